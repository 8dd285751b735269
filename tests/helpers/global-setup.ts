import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../db/client.ts';
import { migrateDb } from '../../db/migrate.ts';
import { seedReferenceData } from '../../db/seed/seed-reference.ts';
import { loadConfig } from '../../server/config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite image with migrations and reference data applied; each test file loads its own copy. */
    pgliteImage: string;
    /** When DATABASE_URL is set: a migrated, seeded template database to clone per test file. */
    pgTemplate: string | null;
    databaseUrl: string | null;
  }
}

/**
 * Migrating takes seconds, so it happens once per run: into a PGlite image, and (when
 * DATABASE_URL is set) into a template database. Each test file then gets a fresh copy.
 */
export default async function setup(project: TestProject) {
  const config = loadConfig();
  mkdirSync('.tmp', { recursive: true });
  // web/tsconfig.json extends what `svelte-kit sync` generates; unit tests of web/ modules are
  // transformed with it, so a fresh clone needs it before any test file loads.
  if (!existsSync('web/.svelte-kit/tsconfig.json'))
    execFileSync(process.execPath, ['../node_modules/@sveltejs/kit/svelte-kit.js', 'sync'], { cwd: 'web', stdio: 'ignore' });
  const pg = await PGlite.create();
  const handle = await createDb({ pglite: pg });
  await migrateDb(handle);
  await seedReferenceData(handle.db);
  const image = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
  await handle.close();
  const imagePath = `.tmp/pglite-image-${process.pid}.tar`;
  writeFileSync(imagePath, image);
  project.provide('pgliteImage', imagePath);
  project.provide('databaseUrl', config.databaseUrl ?? null);

  let template: string | null = null;
  if (config.databaseUrl) {
    template = `guoyun_template_${randomBytes(4).toString('hex')}`;
    const admin = postgres(config.databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${template}`);
    const templateUrl = withDatabase(config.databaseUrl, template);
    const h = await createDb({ databaseUrl: templateUrl, poolMax: 1 });
    await migrateDb(h);
    await seedReferenceData(h.db);
    await h.close();
    await admin.end();
  }
  project.provide('pgTemplate', template);

  return async () => {
    rmSync(imagePath, { force: true });
    if (template && config.databaseUrl) {
      const admin = postgres(config.databaseUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
