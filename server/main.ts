import { loadConfig } from './config.ts';
import { ensureAdmin } from './domain/accounts/ensure-admin.ts';
import { DEMO_ACCOUNTS, seedDemo } from './domain/demo/seed-demo.ts';
import { clockFrom } from './domain/context.ts';
import { buildApp } from './http/app.ts';
import { dbOptions, openDatabase } from './startup.ts';

const config = loadConfig(process.env, process.argv.slice(2));
const clock = clockFrom(config.demo ? config.demoAsOf : undefined);
const { handle, reference, systemCtx } = await openDatabase(dbOptions(config), clock);

const demoAdmin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
const admin = await ensureAdmin({
  ctx: systemCtx,
  username: config.adminUsername,
  password: config.adminPassword ?? (config.demo ? demoAdmin.password : undefined),
});
// Seeded before the app (and its live hub) starts, so dashboards see every demo project at once.
if (config.demo) console.log('Demo mode: seeding demo accounts and data (once)…');
const demo = config.demo ? await seedDemo({ ctx: systemCtx }) : null;
const app = await buildApp({ config, handle, reference, clock, web: {} });

if (admin.generatedPassword) {
  // Printed once, on the first start only; it is stored hashed and cannot be shown again.
  app.log.warn(`First start: created the administrator "${admin.username}" with password: ${admin.generatedPassword}`);
  app.log.warn('Log in and keep it safe; set ADMIN_PASSWORD before the first start to choose it yourself.');
}
if (config.demo) {
  if (config.demoAsOf) app.log.info(`Demo clock: started at ${config.demoAsOf.toISOString()} and running on`);
  if (demo?.seeded) app.log.info({ pickups: demo.pickups, carrierReports: demo.carrierReports }, 'Demo data seeded');
  app.log.info(`Demo accounts: ${DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`).join(', ')}`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000).unref();
  try {
    await app.close();
    // PGlite keeps the process alive until closed, and closing flushes its folder.
    await handle.close();
  } finally {
    clearTimeout(force);
    process.exit(0);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const address = await app.listen({ port: config.port, host: config.host });
app.log.info(
  { database: handle.kind, dataDir: handle.kind === 'pglite' ? config.dataDir : undefined },
  `Guoyun is serving on ${address.replace('0.0.0.0', 'localhost')} — API docs at /api/v1/docs`,
);
