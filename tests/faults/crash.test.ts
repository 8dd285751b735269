import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDb } from '../../db/client.ts';
import { loadConfig } from '../../server/config.ts';
import { LiveServerMessage } from '../../server/contracts/live.ts';
import type { ProgressView } from '../../server/contracts/projects.ts';
import { systemActor } from '../../server/domain/context.ts';
import { getProgress } from '../../server/domain/projects/get-progress.ts';
import { loadReference } from '../../server/domain/reference/load-reference.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import { ROOT, exited, freePort, runScript } from '../helpers/processes.ts';
import { PRODUCT, readClientLog, shanghaiDate, type ClientConfig } from './client-plan.ts';
import { checkLedger, type ExpectedProgress, type RunQuery } from './ledger-check.ts';
import { chooseSeed, createPrng } from './prng.ts';
import { ServerUnderTest, ensureUp, findCluster, pgCtl } from './server-control.ts';

// The crash test (npm run test:faults): client processes write pickups, batches and carrier
// figures, re-sending with the same ids until acknowledged, while the server is SIGKILLed and
// restarted, and once while PostgreSQL itself is stopped and started. Afterwards every
// acknowledged write must be in the ledger exactly once, no unacknowledged write half in,
// `verify` must pass and progress must equal what the clients count themselves.
// It restarts the PostgreSQL cluster DATABASE_URL points at: run it alone, never beside other tests.
// FAULTS_SEED=<seed> replays a run's writes and fault schedule (timings differ).
// Most of its time goes to the six server starts (each loads the whole app anew), which take
// seconds on an idle machine and far longer on a busy one: hence the generous timeout.

const CLIENTS = 4;
const SERVER_KILLS = 5;
const ADMIN_PASSWORD = 'faults-admin-password-2026';
/** While PostgreSQL is down, every answer must come back within this (a 503, not a hang). */
const FAST_MS = 2000;

const databaseUrl = loadConfig().databaseUrl;
if (!databaseUrl) console.warn('faults: skipped — the crash test needs a PostgreSQL server it may restart: DATABASE_URL=postgres://… npm run test:faults');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

type Probe = { what: string; status: number; ms: number; retryAfter: string | null; code?: string };

describe.skipIf(!databaseUrl)('crash test: killed servers and a restarted PostgreSQL', () => {
  it('keeps every acknowledged write exactly once and nothing half-written', async () => {
    const seed = chooseSeed(process.env.FAULTS_SEED);
    const began = Date.now();
    const phase = (what: string) => console.log(`faults: ${((Date.now() - began) / 1000).toFixed(1)} s ${what}`);
    console.log(`faults: seed=${seed} (replay: FAULTS_SEED=${seed} npm run test:faults)`);
    const schedule = createPrng(seed).fork('schedule');
    const cluster = await findCluster(databaseUrl!);
    await ensureUp(cluster);

    const dbName = `guoyun_faults_${randomBytes(5).toString('hex')}`;
    const dbUrl = withDatabase(databaseUrl!, dbName);
    const workDir = join(ROOT, '.tmp', `faults-${seed.replace(/[^A-Za-z0-9_-]/g, '_')}-${dbName.slice(-10)}`);
    mkdirSync(workDir, { recursive: true });
    await adminSql(databaseUrl!, (sql) => sql.unsafe(`CREATE DATABASE ${dbName}`));

    const server = new ServerUnderTest({ DATABASE_URL: dbUrl, ADMIN_PASSWORD, DATABASE_POOL_MAX: '8' }, await freePort());
    const clients: ReturnType<typeof runScript>[] = [];
    let postgresStopped = false;
    try {
      // ── Set-up over the API: a project, and per client a cooperative, a carrier and their tokens.
      await server.start();
      const api = await adminApi(server.base);
      const towns = (await api.get('/api/v1/towns')).items.map((t: { code: string }) => t.code) as string[];
      const carriers = (await api.get('/api/v1/carriers')).items.map((c: { code: string }) => c.code) as string[];
      const today = shanghaiDate(new Date().toISOString());
      const dates = Array.from({ length: 14 }, (_, i) => addDays(today, i - 14));
      const project = await api.post('/api/v1/projects', {
        code: `faults-${dbName.slice(-10)}`,
        name: '故障测试项目',
        productCode: PRODUCT,
        tier: 'gold',
        targetParcels: 5_000_000,
        startsOn: dates[0],
        endsOn: addDays(today, 30),
      });
      const cooperativeIds: string[] = [];
      const configs: ClientConfig[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const townCode = towns[(i * 5) % towns.length];
        const coop = await api.post('/api/v1/cooperatives', { name: `故障测试合作社 ${i + 1}`, townCode });
        cooperativeIds.push(coop.id);
        const reportCarrier = carriers[i % carriers.length];
        configs.push({
          clientId: `c${i}`,
          seed,
          base: server.base,
          cooperativeToken: (await api.post('/api/v1/tokens', { name: `faults coop ${i}`, role: 'cooperative', organization: coop.id })).token,
          cooperativeId: coop.id,
          townCode,
          pickupCarriers: carriers.slice(0, CLIENTS + 1),
          carrierToken: (await api.post('/api/v1/tokens', { name: `faults carrier ${i}`, role: 'carrier', organization: reportCarrier })).token,
          reportCarrier,
          // The cooperative's own town among them: some cells get both pickups and a carrier figure.
          reportTowns: [townCode, towns[(i * 5 + 1) % towns.length], towns[(i * 5 + 2) % towns.length]],
          dates,
          logFile: join(workDir, `client-c${i}.jsonl`),
          thinkMs: [5, 40],
          requestTimeoutMs: 20_000,
          finishWithinMs: 1500,
          maxBatch: 40,
        });
      }
      const adminToken = (await api.post('/api/v1/tokens', { name: 'faults probe', role: 'admin' })).token as string;
      const authed = { authorization: `Bearer ${adminToken}` };

      for (const cfg of configs) {
        writeFileSync(cfg.logFile, '');
        const file = join(workDir, `client-${cfg.clientId}.json`);
        writeFileSync(file, JSON.stringify(cfg));
        clients.push(runScript('tests/faults/fault-client.ts', {}, [file]));
      }
      const acks = () => configs.reduce((n, c) => n + readFileSync(c.logFile, 'utf8').split('"t":"ack"').length - 1, 0);
      /** Lets the clients write for a while, and at least until some writes got through since the last fault. */
      async function letClientsWrite(ms: number, minAcks = 5) {
        const before = acks();
        const start = Date.now();
        while (Date.now() - start < ms || acks() < before + minAcks) {
          if (Date.now() - start > 60_000) throw new Error(`clients made no progress for 60 s:\n${clients.map((c) => c.output().slice(-500)).join('\n')}`);
          for (const c of clients) if (c.exitCode !== null) throw new Error(`a client exited early (${c.exitCode}):\n${c.output()}`);
          await sleep(200);
        }
      }

      phase(`set up; ${CLIENTS} clients started`);
      // ── The faults.
      const pgRestartAfterKill = schedule.int(2, SERVER_KILLS - 1);
      const probes: Probe[] = [];
      let recoveryMs = 0;
      for (let kill = 1; kill <= SERVER_KILLS; kill++) {
        await letClientsWrite(schedule.int(1500, 4000));
        await server.kill();
        phase(`server killed (${kill}/${SERVER_KILLS}), ${acks()} writes acknowledged so far`);
        if (kill === SERVER_KILLS) break;
        await sleep(schedule.int(0, 1500));
        await server.start();
        phase('server started again');
        if (kill !== pgRestartAfterKill) continue;

        // PostgreSQL stops and starts under the running server; it must answer 503 meanwhile and recover alone.
        await letClientsWrite(schedule.int(1000, 2500));
        const dashboard = new Dashboard(`${server.base.replace('http', 'ws')}/api/v1/live`, authed);
        await dashboard.snapshots(1, 15_000);
        const pidBefore = server.pid;
        postgresStopped = true;
        await pgCtl(cluster, 'stop');
        phase('PostgreSQL stopped');
        const downSince = Date.now();
        while (Date.now() - downSince < 3000) {
          probes.push(await probe('health', `${server.base}/api/v1/health`, {}));
          probes.push(await probe('progress', `${server.base}/api/v1/projects/${project.id}/progress`, authed));
          await sleep(250);
        }
        await pgCtl(cluster, 'start');
        postgresStopped = false;
        const upAt = Date.now();
        for (;;) {
          const res = await fetch(`${server.base}/api/v1/health`).catch(() => null);
          if (res?.status === 200) break;
          if (Date.now() - upAt > 60_000)
            throw new Error(
              `the server did not recover within 60 s of PostgreSQL coming back (last health: ${res?.status}):\n${server.child?.output().slice(-4000)}`,
            );
          await sleep(100);
        }
        recoveryMs = Date.now() - upAt;
        phase(`PostgreSQL started; the server answered health 200 after ${recoveryMs} ms`);
        expect(server.pid, 'recovered without a restart').toBe(pidBefore);
        // Its LISTEN connection came back too, and the dashboard started over from a fresh snapshot.
        await dashboard.snapshots(2, 20_000);
        dashboard.close();
      }

      // ── Stop: the clients stop while the server lies killed, so the writes they had in flight
      // stay unacknowledged (each may or may not have got in); then the server starts once more,
      // over what the last kill left, and stops cleanly.
      for (const c of clients) c.kill('SIGTERM');
      const clientCodes = await Promise.all(clients.map((c) => Promise.race([exited(c), sleep(40_000).then(() => 'timeout')])));
      expect(clientCodes, clients.map((c) => c.output().slice(-1000)).join('\n')).toEqual(clients.map(() => 0));
      await server.start();
      expect(await server.stop(), 'clean stop').toBe(0);

      phase('clients and server stopped');
      // ── The checks.
      const logs = configs.map((c) => readClientLog(c.logFile));
      const stats = logs.map((l) => l.stats!);
      expect(stats.every(Boolean), 'every client logged its totals').toBe(true);
      const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
      let check;
      try {
        const query: RunQuery = async (text, params) => (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as never;
        check = await checkLedger(query, logs, { cooperativeIds, startsOn: project.startsOn, endsOn: project.endsOn });
      } finally {
        await sql.end();
      }

      const verify = runScript('server/cli/verify.ts', { DATABASE_URL: dbUrl });
      const verifyCode = await exited(verify);
      const progress = await readProgress(dbUrl, project.id);

      const total = (key: 'retries' | 'networkErrors' | 'timeouts' | 'unavailableWithoutRetryAfter') => stats.reduce((n, s) => n + s[key], 0);
      const status = (code: string) => stats.reduce((n, s) => n + (s.statuses[code] ?? 0), 0);
      console.log(
        `faults: seed=${seed}, clients=${CLIENTS}, writes acknowledged=${check.writes.acknowledged} ` +
          `(pickups ${check.writes.pickups}, batches ${check.writes.batches}, carrier figures ${check.writes.reports}; ` +
          `${check.pickupsOnRecord} pickups and ${check.reportRevisions} revisions on record), ` +
          `unacknowledged present=${check.unacknowledged.present} absent=${check.unacknowledged.absent}, ` +
          `server kills=${server.kills}, postgres restarts=1, retries=${total('retries')} ` +
          `(network errors ${total('networkErrors')}, 503s ${status('503')}, timeouts ${total('timeouts')}), ` +
          `503 while PostgreSQL was down: ${probes.filter((p) => p.status === 503).length}/${probes.length} probes, ` +
          `slowest ${Math.round(Math.max(...probes.map((p) => p.ms)))} ms, recovered ${recoveryMs} ms after it was back; ` +
          `counted=${progress.countedParcels} (confirmed ${progress.confirmedParcels}, provisional ${progress.provisionalParcels})`,
      );
      console.log(`faults: client logs in ${workDir}`);

      expect(check.problems).toEqual([]);
      expect(
        logs.flatMap((l) => l.rejected),
        'writes the server refused',
      ).toEqual([]);
      for (const l of logs) {
        // Every write was acknowledged but the one in flight at the end, which was given up.
        expect(l.abandoned.length, l.file).toBeLessThanOrEqual(1);
        expect(l.acked.size + l.abandoned.length, l.file).toBe(l.intents.size);
      }
      expect(check.unacknowledged.present + check.unacknowledged.absent).toBe(logs.reduce((n, l) => n + l.abandoned.length, 0));
      expect(
        stats.flatMap((s) => s.internalErrors),
        '500 answers',
      ).toEqual([]);
      expect(status('500')).toBe(0);
      expect(total('unavailableWithoutRetryAfter')).toBe(0);
      expect(Math.max(0, ...stats.map((s) => s.slowest503Ms))).toBeLessThan(FAST_MS);
      expect(total('timeouts')).toBe(0);
      expect(server.kills).toBe(SERVER_KILLS);
      expect(check.writes.acknowledged).toBeGreaterThan(100);
      expect(check.writes.reports).toBeGreaterThan(0);
      expect(check.writes.batches).toBeGreaterThan(0);
      // While PostgreSQL was down: 503 (health "degraded", the API DB_UNAVAILABLE), at once, with Retry-After.
      expect(probes.length).toBeGreaterThan(4);
      for (const p of probes) {
        expect(p, JSON.stringify(p)).toMatchObject({ status: 503, retryAfter: expect.any(String) });
        expect(p.ms, JSON.stringify(p)).toBeLessThan(FAST_MS);
        if (p.what === 'progress') expect(p.code).toBe('DB_UNAVAILABLE');
      }
      expect(verifyCode, verify.output()).toBe(0);
      expect(verify.output()).toContain('verify: OK');
      expect(summarize(progress)).toEqual(expectedView(check.expected));
      expect(progress.countedParcels).toBeGreaterThan(0);
    } finally {
      for (const c of clients) if (c.exitCode === null) c.kill('SIGKILL');
      await server.kill().catch(() => {});
      // Whatever happened, PostgreSQL is left running for whatever comes next.
      if (postgresStopped) await pgCtl(cluster, 'start').catch(() => {});
      await ensureUp(cluster);
      await adminSql(databaseUrl!, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    }
  }, 900_000);
});

async function adminSql<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/** Logs in as the bootstrap admin (cookie + CSRF header), as a person would, to set the run up. */
async function adminApi(base: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrfToken }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  return { get: (path: string) => call('GET', path), post: (path: string, body: unknown) => call('POST', path, body) };
}

async function probe(what: string, url: string, headers: Record<string, string>): Promise<Probe> {
  const started = performance.now();
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    return { what, status: res.status, ms: performance.now() - started, retryAfter: res.headers.get('retry-after'), code: body?.error?.code };
  } catch (error) {
    return { what, status: 0, ms: performance.now() - started, retryAfter: null, code: (error as Error).name };
  }
}

/** A dashboard on the live websocket, counting the snapshots it is sent. */
class Dashboard {
  private ws: WebSocket;
  private count = 0;
  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => {
      if (LiveServerMessage.parse(JSON.parse(String(data))).type === 'snapshot') this.count++;
    });
  }
  async snapshots(n: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (this.count < n) {
      if (Date.now() > deadline) throw new Error(`the dashboard got ${this.count} snapshot(s), expected ${n}`);
      await sleep(50);
    }
  }
  close() {
    this.ws.close();
  }
}

/** Progress as the API computes it (the same domain read), with the server stopped. */
async function readProgress(url: string, projectId: string): Promise<ProgressView> {
  const handle = await createDb({ databaseUrl: url, poolMax: 1 });
  try {
    const reference = await loadReference(handle.db);
    return await getProgress({ ctx: { db: handle.db, databaseKind: handle.kind, actor: systemActor, clock: () => new Date(), reference }, id: projectId });
  } finally {
    await handle.close();
  }
}

const nonZero = <T extends { counted: number; confirmed: number; provisional: number }>(entries: [string, T][]) =>
  Object.fromEntries(
    entries
      .filter(([, s]) => s.counted || s.confirmed || s.provisional)
      .map(([k, s]) => [k, { counted: s.counted, confirmed: s.confirmed, provisional: s.provisional }])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

function summarize(p: ProgressView) {
  return {
    counted: p.countedParcels,
    confirmed: p.confirmedParcels,
    provisional: p.provisionalParcels,
    byTown: nonZero(p.byTown.map((t) => [t.townCode, t])),
    byCarrier: nonZero(p.byCarrier.map((c) => [c.carrierCode, c])),
    daily: Object.fromEntries(p.daily.filter((d) => d.counted).map((d) => [d.date, d.counted])),
  };
}

function expectedView(e: ExpectedProgress) {
  return {
    counted: e.counted,
    confirmed: e.confirmed,
    provisional: e.provisional,
    byTown: nonZero(Object.entries(e.byTown)),
    byCarrier: nonZero(Object.entries(e.byCarrier)),
    daily: Object.fromEntries(
      Object.entries(e.daily)
        .filter(([, n]) => n)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
}
