import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { exited, freePort, runScript, waitForHealth } from '../helpers/processes.ts';

// The real thing: `server/main.ts` in its own process over real HTTP, stopped and started
// again on the same data; then `npm run verify`'s script against that data.

let dataDir: string;
let testDb: TestDatabase | null = null;
let env: Record<string, string>;
const ADMIN_PASSWORD = 'process-test-admin-password';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'guoyun-data-'));
  testDb = await createTestDatabase({ poolMax: 1 });
  // On PGlite the server opens its own folder; on PostgreSQL, this file's own database.
  if (testDb.url) env = { DATABASE_URL: testDb.url, ADMIN_PASSWORD };
  else {
    await testDb.close();
    testDb = null;
    env = { DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD };
  }
});
afterAll(async () => {
  await testDb?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startServer() {
  const port = await freePort();
  const child = runScript('server/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const health = await waitForHealth(base, child);
  return { child, base, health };
}

async function stop(child: ReturnType<typeof runScript>) {
  child.kill('SIGTERM');
  expect(await exited(child)).toBe(0);
}

/** Logs in as the bootstrap admin over real HTTP; later requests carry the cookie and the CSRF header. */
async function loginAsAdmin(base: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const me: any = await res.json();
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
  return {
    get: (path: string) => fetch(`${base}${path}`, { headers: { cookie } }),
    post: (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}

describe('the server process', () => {
  const pickupId = randomUUID();

  it('starts, serves the API over HTTP, and keeps its data across a restart', async () => {
    const first = await startServer();
    expect(first.health).toMatchObject({ status: 'ok', database: testDb ? 'postgres' : 'pglite' });
    expect((await fetch(`${first.base}/api/v1/projects`)).status).toBe(401);
    const admin = await loginAsAdmin(first.base);
    const projects: any = await (await admin.get('/api/v1/projects')).json();
    // Season projects for the current date exist after the first start.
    expect(projects.items.map((p: any) => p.productCode).sort()).toEqual(['apple', 'cherry']);
    const coop: any = await (await admin.post('/api/v1/cooperatives', { name: '进程测试合作社', townCode: '370323109' })).json();
    const body = {
      id: pickupId,
      cooperativeId: coop.id,
      townCode: '370323109',
      carrierCode: 'sf',
      productCode: 'apple',
      parcels: 42,
      pickedUpAt: new Date(Date.now() - 3600_000).toISOString(),
    };
    expect((await admin.post('/api/v1/pickups', body)).status).toBe(201);
    expect((await fetch(`${first.base}/`)).headers.get('content-type')).toContain('text/html');
    await stop(first.child);

    const second = await startServer();
    const admin2 = await loginAsAdmin(second.base);
    expect((await admin2.post('/api/v1/pickups', body)).status).toBe(200);
    const again: any = await (await admin2.get('/api/v1/projects')).json();
    expect(again.items).toHaveLength(2);
    await stop(second.child);
  });

  it('`verify` passes on a consistent ledger and fails, naming the cell, when a tally is tampered with', async () => {
    const ok = runScript('server/cli/verify.ts', env);
    expect(await exited(ok)).toBe(0);
    expect(ok.output()).toContain('verify: OK');

    const tamper = `UPDATE volume_cells SET logged_parcels = logged_parcels + 1`;
    if (testDb?.url) {
      const sql = postgres(testDb.url, { max: 1, onnotice: () => {} });
      await sql.unsafe(tamper);
      await sql.end();
    } else {
      const pg = await PGlite.create(dataDir);
      await pg.exec(tamper);
      await pg.close();
    }
    const bad = runScript('server/cli/verify.ts', env);
    expect(await exited(bad)).toBe(1);
    expect(bad.output()).toMatch(/volume_cells apple\|\d{4}-\d{2}-\d{2}\|370323109\|sf: expected logged=42/);
  });
});
