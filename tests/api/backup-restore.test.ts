import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, rowsOf, type DbHandle } from '../../db/client.ts';
import { createToken } from '../../server/domain/accounts/tokens.ts';
import { systemActor, type Ctx } from '../../server/domain/context.ts';
import { loadReference } from '../../server/domain/reference/load-reference.ts';
import { buildApp } from '../../server/http/app.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import { exited, runScript } from '../helpers/processes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { TOWNS, createCooperative, createProject, get, pickup, post, progress } from '../helpers/factories.ts';
import { withHeaders, type Injector } from '../helpers/test-app.ts';

// `npm run backup` and `npm run restore`, the real scripts in child processes: a ledger written
// through the API is backed up, restored into a fresh place, verified there by `npm run verify`'s
// script, and read back the same. On PGlite the places are data folders; on the server, databases.

const NOW = '2026-11-29T04:00:00Z';
const serverUrl = inject('databaseUrl');
const onServer = Boolean(inject('pgTemplate') && serverUrl);

let root: string;
let backupFile: string;
/** The original: a PGlite folder, or this file's own database on the server. */
let source: { env: Record<string, string>; open: () => Promise<DbHandle>; testDb?: TestDatabase };
/** Where the backup is restored: a new folder, or a new empty database. */
let restored: { env: Record<string, string>; open: () => Promise<DbHandle>; drop: () => Promise<void> };
let projectId: string;
let before: { counts: Record<string, number>; progress: unknown };

const TABLES = [
  'cooperatives',
  'pickups',
  'pickup_reversals',
  'carrier_volume_revisions',
  'storage_facilities',
  'storage_movements',
  'volume_cells',
  'project_rollups',
  'storage_stock',
  'projects',
  'audit_log',
  'api_tokens',
];

async function counts(handle: DbHandle): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = rowsOf<{ n: number }>(await handle.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${t}`)))[0]!.n;
  return out;
}

/** The API on an open database, as an administrator, at a fixed time. */
async function apiOn(handle: DbHandle): Promise<{ app: Injector; close: () => Promise<void> }> {
  const clock = () => new Date(NOW);
  const reference = await loadReference(handle.db);
  const server = await buildApp({
    config: { bodyLimitBytes: 2 * 1024 * 1024, logLevel: 'silent', sessionHours: 24, cookieSecure: false },
    handle,
    reference,
    clock,
  });
  await server.ready();
  const ctx: Ctx = { db: handle.db, databaseKind: handle.kind, actor: systemActor, clock, reference };
  const token = await createToken({ ctx, input: { name: 'backup test admin', role: 'admin' } });
  return { app: withHeaders(server, { authorization: `Bearer ${token.token}` }), close: () => server.close() };
}

async function run(script: 'backup' | 'restore' | 'verify', env: Record<string, string>, ...args: string[]) {
  const child = runScript(`server/cli/${script}.ts`, env, args);
  const code = await exited(child);
  return { code, output: child.output() };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'guoyun-backup-'));
  if (onServer) {
    const testDb = await createTestDatabase({ poolMax: 2 });
    source = { env: { DATABASE_URL: testDb.url! }, open: async () => testDb.handle, testDb };
    backupFile = join(root, 'guoyun.dump');
    const name = `guoyun_restore_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = withDatabase(serverUrl!, name);
    restored = {
      env: { DATABASE_URL: url },
      open: () => createDb({ databaseUrl: url, poolMax: 1 }),
      drop: async () => {
        const a = postgres(serverUrl!, { max: 1, onnotice: () => {} });
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
        await a.end();
      },
    };
  } else {
    // A data folder made from the migrated image, as `npm start` would have left it.
    const dir = join(root, 'data');
    const pg = await PGlite.create({ dataDir: dir, loadDataDir: new Blob([readFileSync(inject('pgliteImage'))]) });
    await pg.close();
    // Opened the way the server opens it: locked (db/pglite-folder.ts).
    const open = () => createDb({ dataDir: dir });
    source = { env: { DATA_DIR: dir, DATABASE_URL: '' }, open };
    backupFile = join(root, 'guoyun-data.tar.gz');
    const restoredDir = join(root, 'restored');
    restored = { env: { DATA_DIR: restoredDir, DATABASE_URL: '' }, open: () => createDb({ dataDir: restoredDir }), drop: async () => {} };
  }
});

afterAll(async () => {
  await source?.testDb?.close();
  await restored?.drop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('backs up a ledger with the real CLI (refusing while an embedded folder is open)', async () => {
    const handle = await source.open();
    const { app, close } = await apiOn(handle);
    projectId = await createProject(app);
    const coop = await createCooperative(app);
    const writes = [
      pickup(coop, { parcels: 120 }),
      pickup(coop, { parcels: 75, carrierCode: 'sf', townCode: TOWNS.dongli, pickedUpAt: '2026-11-12T03:00:00Z' }),
      pickup(coop, { parcels: 33, carrierCode: 'zto', pickedUpAt: '2026-11-15T03:00:00Z' }),
    ];
    for (const p of writes) expect((await post(app, '/api/v1/pickups', p)).status).toBe(201);
    expect((await post(app, `/api/v1/pickups/${writes[2]!.id}/void`, { reason: '重复录入' })).status).toBe(200);
    // The carrier's figure for the first pickup's cell: confirmed from now on.
    const cell = `/api/v1/carrier-volumes/ems/${TOWNS.yanya}/apple/2026-11-10`;
    expect((await post(app, cell, { parcels: 130 }, 'PUT')).status).toBe(200);
    const facility = await post(app, '/api/v1/storage-facilities', { name: `冷库-${randomUUID().slice(0, 8)}`, townCode: TOWNS.dongli, kind: 'cold' });
    expect(facility.status).toBe(201);
    for (const [direction, weightKg] of [
      ['in', 2500],
      ['out', 800],
    ] as const) {
      const m = { id: randomUUID(), facilityId: facility.body.id, productCode: 'apple', direction, weightKg, movedAt: '2026-11-20T09:00:00+08:00' };
      expect((await post(app, '/api/v1/storage-movements', m)).status).toBe(201);
    }
    before = { counts: await counts(handle), progress: await progress(app, projectId) };
    expect(before.counts).toMatchObject({ pickups: 3, pickup_reversals: 1, carrier_volume_revisions: 1, storage_movements: 2 });
    expect(before.progress).toMatchObject({ confirmedParcels: 130, provisionalParcels: 75 });

    if (!onServer) {
      // The folder's lock is held by the open database: a backup taken under it would be torn.
      const busy = await run('backup', source.env, backupFile);
      expect(busy.code).toBe(2);
      expect(busy.output).toMatch(/is in use: /);
      await close();
      await handle.close();
    } else {
      await close(); // the database stays open: pg_dump copies a consistent snapshot of a live server
    }

    const backup = await run('backup', source.env, backupFile);
    expect(backup.code, backup.output).toBe(0);
    expect(statSync(backupFile).size).toBeGreaterThan(0);
    const again = await run('backup', source.env, backupFile);
    expect(again.code).toBe(2);
    expect(again.output).toContain('already exists; pass --force');
  });

  it('restores into a fresh place, where verify passes and the counts and progress are the same', async () => {
    const restore = await run('restore', restored.env, backupFile);
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain('restore: OK');

    const verify = await run('verify', restored.env);
    expect(verify.code, verify.output).toBe(0);
    expect(verify.output).toContain('verify: OK');

    const handle = await restored.open();
    try {
      const { app, close } = await apiOn(handle);
      // The token the comparison itself just made is one more api_tokens row (and its audit entry).
      expect(await counts(handle)).toEqual({ ...before.counts, api_tokens: before.counts.api_tokens! + 1, audit_log: before.counts.audit_log! + 1 });
      expect(await progress(app, projectId)).toEqual(before.progress);
      expect((await get(app, '/api/v1/stock')).body.items.map((s: any) => s.weightKg)).toEqual([1700]);
      await close();
    } finally {
      await handle.close();
    }
  });

  it('refuses to restore over a database that holds data, unless --force', async () => {
    const refused = await run('restore', source.env, backupFile);
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/is not empty/);

    // The original is untouched by the refusal.
    const handle = await source.open();
    try {
      expect((await counts(handle)).pickups).toBe(3);
    } finally {
      if (!onServer) await handle.close();
    }

    const forced = await run('restore', restored.env, backupFile, '--force');
    expect(forced.code, forced.output).toBe(0);
    expect(forced.output).toContain('restore: OK');
    const h = await restored.open();
    try {
      // Back to the backup's own contents: the comparison's extra token is gone.
      expect(await counts(h)).toEqual(before.counts);
    } finally {
      await h.close();
    }
  });
});
