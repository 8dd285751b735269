import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDb, type DbHandle } from '../../db/client.ts';
import { LiveServerMessage, applyProgressUpdate } from '../../server/contracts/live.ts';
import type { ProgressView } from '../../server/contracts/projects.ts';
import { buildApp } from '../../server/http/app.ts';
import { loadReference } from '../../server/domain/reference/load-reference.ts';
import { buildTestApp, withHeaders, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, get, pickup, post } from '../helpers/factories.ts';

// Real websockets against a listening server: what a dashboard sees must end equal to
// what GET …/progress says, however the writes arrive.

let t: TestApp;
let base: string;
let token: string;
let coop: string;
let projectA: string;
let projectB: string;

beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
  projectA = await createProject(t.app);
  projectB = await createProject(t.app, { productCode: 'cherry', tier: 'silver', targetParcels: 5_000_000, startsOn: '2026-04-01', endsOn: '2027-06-15' });
  await t.server.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(t.server.server.address() as { port: number }).port}`;
  token = (await t.as('official')).token;
});
afterAll(() => t?.close());

/** A dashboard: applies snapshots and updates, validating every message against the contract. */
class Dashboard {
  ws: WebSocket;
  views = new Map<string, ProgressView>();
  messages: LiveServerMessage[] = [];
  opened: Promise<void>;
  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (req, res) => {
        req.destroy();
        reject(new Error(`upgrade refused: ${res.statusCode}`));
      });
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data) => {
      const msg = LiveServerMessage.parse(JSON.parse(String(data)));
      this.messages.push(msg);
      if (msg.type === 'snapshot') for (const p of msg.projects) this.views.set(p.project.id, p.progress);
      if (msg.type === 'project') this.views.set(msg.project.project.id, msg.project.progress);
      if (msg.type === 'progress') this.views.set(msg.projectId, applyProgressUpdate(this.views.get(msg.projectId)!, msg));
    });
  }
  send(message: unknown) {
    this.ws.send(JSON.stringify(message));
  }
  count(type: string, projectId?: string) {
    return this.messages.filter((m) => m.type === type && (!projectId || (m as { projectId?: string }).projectId === projectId)).length;
  }
  close() {
    this.ws.close();
  }
}

const stripAsOf = ({ asOf: _, ...rest }: ProgressView) => rest;

async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function expectInStep(app: { inject: TestApp['app']['inject'] }, d: Dashboard, projectId: string) {
  await eventually(async () => {
    const truth = (await get(app, `/api/v1/projects/${projectId}/progress`)).body as ProgressView;
    expect(d.views.get(projectId)).toBeDefined();
    expect(stripAsOf(d.views.get(projectId)!)).toEqual(stripAsOf(truth));
  });
}

describe('GET /api/v1/live', () => {
  it('refuses connections without a login, and cookie connections from another origin', async () => {
    await expect(new Dashboard(`${base}/api/v1/live`, {}).opened).rejects.toThrow(/401/);
    await expect(new Dashboard(`${base}/api/v1/live`, { authorization: 'Bearer gyt_nonsense' }).opened).rejects.toThrow(/401/);
    const username = `live-${randomUUID().slice(0, 8)}`;
    await post(t.app, '/api/v1/users', { username, displayName: '大屏', password: 'a-long-enough-password', role: 'official' });
    const login = await t.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'a-long-enough-password' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    await expect(new Dashboard(`${base}/api/v1/live`, { cookie, origin: 'https://evil.example' }).opened).rejects.toThrow(/403/);
    const ok = new Dashboard(`${base}/api/v1/live`, { cookie, origin: base.replace('ws:', 'http:') });
    await ok.opened;
    ok.close();
  });

  it('sends a snapshot on connect, then ends a burst with exactly the figures GET …/progress returns', async () => {
    const d = new Dashboard(`${base}/api/v1/live`, { authorization: `Bearer ${token}` });
    await d.opened;
    await eventually(() => expect(d.count('snapshot')).toBe(1));
    expect([...d.views.keys()].sort()).toEqual([projectA, projectB].sort());

    const writer = await t.as('cooperative', coop);
    const carrier = await t.as('carrier', 'sf');
    const singles = Array.from({ length: 120 }, (_, i) =>
      pickup(coop, {
        parcels: 1 + (i % 9),
        townCode: [TOWNS.yanya, TOWNS.dongli, TOWNS.nanma][i % 3],
        carrierCode: ['ems', 'sf'][i % 2],
        pickedUpAt: `2026-11-${String(10 + (i % 15)).padStart(2, '0')}T03:00:00Z`,
      }),
    );
    const batch = Array.from({ length: 300 }, () => pickup(coop, { parcels: 2, pickedUpAt: '2026-09-01T02:00:00Z' }));
    await Promise.all([
      ...singles.map((p) => post(writer, '/api/v1/pickups', p)),
      post(writer, '/api/v1/pickups/batch', { items: batch }),
      post(carrier, `/api/v1/carrier-volumes/sf/${TOWNS.dongli}/apple/2026-11-11`, { parcels: 500 }, 'PUT'),
    ]);
    await Promise.all(singles.slice(0, 10).map((p) => post(writer, `/api/v1/pickups/${p.id}/void`, { reason: '大屏测试' })));

    await expectInStep(t.app, d, projectA);
    const counted = d.views.get(projectA)!.countedParcels;
    expect(counted).toBeGreaterThan(600);
    // 132 writes, merged into a few flushes: far fewer messages than writes.
    expect(d.count('progress', projectA)).toBeLessThan(30);
    // The cherry project saw none of it.
    expect(d.count('progress', projectB)).toBe(0);
    d.close();
  });

  it('follows only the projects a client subscribes to', async () => {
    const d = new Dashboard(`${base}/api/v1/live`, { authorization: `Bearer ${token}` });
    await d.opened;
    await eventually(() => expect(d.count('snapshot')).toBe(1));
    d.send({ type: 'subscribe', v: 1, projectIds: [projectB] });
    await eventually(() => expect(d.count('snapshot')).toBe(2));
    const last = d.messages.filter((m) => m.type === 'snapshot').at(-1)!;
    expect(last.type === 'snapshot' && last.projects.map((p) => p.project.id)).toEqual([projectB]);
    const before = d.messages.length;
    await post(t.app, '/api/v1/pickups', pickup(coop, { parcels: 5 }));
    await post(t.app, '/api/v1/pickups', pickup(coop, { productCode: 'cherry', parcels: 3, pickedUpAt: '2026-05-20T02:00:00Z' }));
    await expectInStep(t.app, d, projectB);
    expect(d.messages.slice(before).every((m) => m.type !== 'progress' || m.projectId === projectB)).toBe(true);
    d.send({ type: 'subscribe', v: 1, projectIds: [randomUUID()] });
    await eventually(() => expect(d.messages.at(-1)).toMatchObject({ type: 'error', code: 'NOT_FOUND' }));
    d.send({ type: 'nonsense' });
    await eventually(() => expect(d.messages.at(-1)).toMatchObject({ type: 'error', code: 'VALIDATION' }));
    d.close();
  });

  it('gives a reconnecting client a fresh snapshot, so nothing written while it was away is missed', async () => {
    const d1 = new Dashboard(`${base}/api/v1/live`, { authorization: `Bearer ${token}` });
    await d1.opened;
    await eventually(() => expect(d1.count('snapshot')).toBe(1));
    d1.close();
    await post(t.app, '/api/v1/pickups/batch', { items: Array.from({ length: 50 }, () => pickup(coop, { parcels: 4 })) });
    const d2 = new Dashboard(`${base}/api/v1/live`, { authorization: `Bearer ${token}` });
    await d2.opened;
    await expectInStep(t.app, d2, projectA);
    d2.close();
  });

  it('announces a project created while dashboards are open', async () => {
    const d = new Dashboard(`${base}/api/v1/live`, { authorization: `Bearer ${token}` });
    await d.opened;
    await eventually(() => expect(d.count('snapshot')).toBe(1));
    const created = await createProject(t.app, { townCode: TOWNS.yanya, tier: 'bronze', targetParcels: 1_000_000 });
    await eventually(() => expect(d.count('project')).toBe(1));
    await expectInStep(t.app, d, created);
    d.close();
  });
});

describe('across processes', () => {
  it('a write on process A reaches a dashboard on process B (PostgreSQL server only)', async (context) => {
    // Two processes cannot share one PGlite folder, so this runs against the server.
    if (!t.db.url) return context.skip();
    const handles: DbHandle[] = [];
    const open = async () => {
      const handle = await createDb({ databaseUrl: t.db.url!, poolMax: 4 });
      handles.push(handle);
      const app = await buildApp({
        config: { bodyLimitBytes: 1 << 21, logLevel: 'silent', sessionHours: 1, cookieSecure: false },
        handle,
        reference: await loadReference(handle.db),
        clock: t.clock.now,
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return app;
    };
    const a = await open();
    const b = await open();
    try {
      const urlB = `ws://127.0.0.1:${(b.server.address() as { port: number }).port}/api/v1/live`;
      const d = new Dashboard(urlB, { authorization: `Bearer ${token}` });
      await d.opened;
      await eventually(() => expect(d.count('snapshot')).toBe(1));
      const adminA = withHeaders(a, { authorization: `Bearer ${(await t.as('admin')).token}` });
      const res = await post(adminA, '/api/v1/pickups/batch', { items: Array.from({ length: 20 }, () => pickup(coop, { parcels: 7 })) });
      expect(res.body.summary.created).toBe(20);
      await expectInStep(adminA, d, projectA);
      d.close();
    } finally {
      await a.close();
      await b.close();
      for (const h of handles) await h.close();
    }
  });
});
