import { loadConfig } from './config.ts';
import { buildApp } from './http/app.ts';
import { dbOptions, openDatabase } from './startup.ts';

const config = loadConfig();
const { handle, reference } = await openDatabase(dbOptions(config));
const app = await buildApp({ config, handle, reference });

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

await app.listen({ port: config.port, host: config.host });
app.log.info(
  { database: handle.kind, dataDir: handle.kind === 'pglite' ? config.dataDir : undefined },
  `Guoyun is serving on http://localhost:${config.port} — API docs at /api/v1/docs`,
);
