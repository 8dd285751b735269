// Kill experiment for the embedded database (issue #8): the real server process on a fresh
// PGlite folder, clients sending pickups continuously, SIGKILL at seeded random moments —
// while serving, while starting up on an existing folder, and during the very first start —
// then a restart on the same folder each time. At the end every pickup a client was told was
// saved must be there exactly once, unanswered ones re-sent (as a phone's queue would) must
// count once, the tallies must pass `verify`, and amcheck must find every index and heap sound.
//
//   npx tsx tests/faults/pglite-kill.ts [--seed 7] [--kills 6] [--startup-kills 3] [--keep]
//
// tests/faults/pglite-durability.test.ts runs the same experiment under vitest.

import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { INIT_MARKER, LOCK_FILE } from '../../db/pglite-folder.ts';
import { exited, freePort, runScript, waitForHealth } from '../helpers/processes.ts';

const ADMIN_PASSWORD = 'fault-test-admin-password';
const SENDERS = 3;
const BATCH_SIZE = 20;
const MIN_ACKS_PER_KILL = 5;

export type KillOptions = {
  seed: number;
  /** Kills while clients are writing. */
  kills: number;
  /** Kills while the server starts on the existing folder (recovery, migrations, seeding). */
  startupKills: number;
  /** Keep the data folder afterwards (its path is in the report). */
  keep?: boolean;
  log?: (line: string) => void;
};

export type KillReport = {
  seed: number;
  dataDir: string;
  events: string[];
  starts: number;
  kills: number;
  startupKills: number;
  /** Pickups the server answered 201/200 for before some kill. */
  acknowledged: number;
  /** Requests cut off by a kill, unanswered; re-sent after the restart. */
  unanswered: number;
  /** Of those re-sent: already saved before the kill (200 / duplicate) or saved only now (201 / created). */
  resentAlreadySaved: number;
  resentSavedNow: number;
  rowsInDatabase: number;
  missing: string[];
  unexpected: string[];
  wrongParcels: string[];
  verifyExit: number | null;
  verifyOutput: string;
  amcheckProblems: string[];
  ok: boolean;
};

/** mulberry32: a small seeded generator, so a failing schedule can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Server = ReturnType<typeof runScript> & { base: string };
type Pickup = { id: string; cooperativeId: string; townCode: string; carrierCode: string; productCode: string; parcels: number; pickedUpAt: string };

export async function runKillExperiment(options: KillOptions): Promise<KillReport> {
  const log = options.log ?? (() => {});
  const rand = prng(options.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'guoyun-faults-'));
  const env = { DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD, LOG_LEVEL: 'warn' };
  const events: string[] = [];
  const note = (line: string) => {
    events.push(line);
    log(line);
  };
  let starts = 0;
  let lastStartMs = 5_000;

  const live = new Set<Server>();
  const spawnServer = async (): Promise<Server> => {
    const port = await freePort();
    starts++;
    const server = Object.assign(runScript('server/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' }), { base: `http://127.0.0.1:${port}` });
    live.add(server);
    server.once('exit', () => live.delete(server));
    return server;
  };
  const kill = async (server: Server) => {
    server.kill('SIGKILL');
    await exited(server);
  };
  const startHealthy = async (): Promise<Server> => {
    const t0 = performance.now();
    const server = await spawnServer();
    await waitForHealth(server.base, server, 180_000);
    lastStartMs = performance.now() - t0;
    return server;
  };

  try {
    // 1. The very first start, killed twice: while PGlite copies the new cluster into the folder
    //    (the moment PG_VERSION appears: the window where an unguarded kill leaves a folder that
    //    no longer opens), and just after the database exists (migrations, seeding, the admin).
    {
      const server = await spawnServer();
      while (!existsSync(join(dataDir, 'PG_VERSION')) && server.exitCode === null) await sleep(2);
      const delay = rand.int(0, 15);
      await sleep(delay);
      await kill(server);
      note(`first start: killed ${delay} ms after PG_VERSION appeared (marker left: ${existsSync(join(dataDir, INIT_MARKER))})`);
    }
    {
      const server = await spawnServer();
      const t0 = performance.now();
      while (server.exitCode === null && (!existsSync(join(dataDir, 'PG_VERSION')) || existsSync(join(dataDir, INIT_MARKER)))) await sleep(2);
      const delay = rand.int(0, 400);
      await sleep(delay);
      const healthy = await fetch(`${server.base}/api/v1/health`).then(
        (r) => r.ok,
        () => false,
      );
      await kill(server);
      note(`first start: killed ${delay} ms after the database was created (${Math.round(performance.now() - t0)} ms in; already serving: ${healthy})`);
    }

    let server = await startHealthy();
    note(`started on the folder left by those kills in ${Math.round(lastStartMs)} ms`);

    // 2. Setup: a cooperative and an API token for it, as a cooperative's scale would use.
    const auth = await loginAdmin(server.base);
    const codes = async (path: string) => ((await (await auth.get(path)).json()) as { items: Array<{ code: string }> }).items.map((x) => x.code);
    const towns = (await codes('/api/v1/towns')).slice(0, 1);
    const carriers = (await codes('/api/v1/carriers')).slice(0, 3);
    const coopRes = await auth.post('/api/v1/cooperatives', { name: '断电测试合作社', townCode: towns[0] });
    if (coopRes.status !== 201) throw new Error(`creating the cooperative: ${coopRes.status} ${await coopRes.text()}`);
    const coop = (await coopRes.json()) as { id: string };
    const tokenRes = await auth.post('/api/v1/tokens', { name: 'fault test scale', role: 'cooperative', organization: coop.id });
    if (tokenRes.status !== 201) throw new Error(`creating the token: ${tokenRes.status} ${await tokenRes.text()}`);
    const token = ((await tokenRes.json()) as { token: string }).token;

    const sent = new Map<string, Pickup>();
    const acknowledged = new Set<string>();
    let unanswered: Pickup[][] = [];
    let unansweredCount = 0;
    let resentAlreadySaved = 0;
    let resentSavedNow = 0;
    const failures: string[] = [];

    const newPickup = (): Pickup => {
      const p: Pickup = {
        id: randomUUID(),
        cooperativeId: coop.id,
        // A cooperative records in its own town only; the cells still spread over carriers and days.
        townCode: towns[0],
        carrierCode: carriers[rand.int(0, carriers.length - 1)],
        productCode: 'apple',
        parcels: rand.int(1, 60),
        pickedUpAt: new Date(Date.now() - rand.int(0, 5 * 24) * 3_600_000).toISOString(),
      };
      sent.set(p.id, p);
      return p;
    };
    /** Sends one pickup or a batch; resolves with the ids saved, or null when the connection died. */
    const send = async (base: string, items: Pickup[], resend = false): Promise<boolean> => {
      const batch = items.length > 1;
      let res: Response;
      try {
        res = await fetch(`${base}/api/v1/pickups${batch ? '/batch' : ''}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(batch ? { items } : items[0]),
        });
      } catch {
        return false;
      }
      const body = (await res.json().catch(() => null)) as { results?: Array<{ id: string; status: string }> } | null;
      if (batch) {
        if (res.status !== 200 || !body?.results) {
          failures.push(`batch answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
          return true;
        }
        for (const r of body.results) {
          if (r.status !== 'created' && r.status !== 'duplicate') failures.push(`batch item ${r.id}: ${r.status}`);
          else {
            acknowledged.add(r.id);
            if (resend && r.status === 'duplicate') resentAlreadySaved++;
            else if (resend) resentSavedNow++;
          }
        }
        return true;
      }
      if (res.status === 201 || res.status === 200) {
        acknowledged.add(items[0].id);
        if (resend && res.status === 200) resentAlreadySaved++;
        else if (resend) resentSavedNow++;
      } else failures.push(`pickup ${items[0].id} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      return true;
    };
    const resendUnanswered = async (base: string) => {
      const pending = unanswered;
      unanswered = [];
      for (const items of pending) {
        if (!(await send(base, items, true))) throw new Error('the server died while re-sending');
      }
    };

    // 3. Clients write continuously; the server is killed at a random moment, and restarted on
    //    the same folder — sometimes killed again while starting — and the cut-off requests re-sent.
    let remainingStartupKills = options.startupKills;
    for (let k = 0; k < options.kills; k++) {
      let stop = false;
      const before = acknowledged.size;
      const base = server.base;
      const senders = Array.from({ length: SENDERS }, async (_, s) => {
        for (let n = 0; !stop; n++) {
          const items = s === 0 && n % 4 === 3 ? Array.from({ length: BATCH_SIZE }, newPickup) : [newPickup()];
          if (!(await send(base, items))) {
            unanswered.push(items);
            unansweredCount += items.length;
            return;
          }
        }
      });
      // At a random moment, but never before a few writes got through: on a busy machine a
      // restarted server can take seconds to reach full speed.
      const runFor = rand.int(300, 2_500);
      const t0 = performance.now();
      while (performance.now() - t0 < runFor || acknowledged.size < before + MIN_ACKS_PER_KILL) {
        if (performance.now() - t0 > 120_000) throw new Error(`no progress for 120 s:\n${server.output().slice(-2000)}\n${failures.join('\n')}`);
        await sleep(5);
      }
      await kill(server);
      stop = true;
      await Promise.all(senders);
      note(
        `kill ${k + 1}: SIGKILL after ${Math.round(performance.now() - t0)} ms of writing; ${acknowledged.size - before} pickups acknowledged, ${unanswered.flat().length} cut off`,
      );

      if (remainingStartupKills > 0 && (k % 2 === 0 || options.kills - k <= remainingStartupKills)) {
        remainingStartupKills--;
        const starting = await spawnServer();
        const delay = rand.int(0, Math.round(lastStartMs));
        await sleep(delay);
        const up = await fetch(`${starting.base}/api/v1/health`).then(
          (r) => r.ok,
          () => false,
        );
        await kill(starting);
        note(`  startup kill: SIGKILL ${delay} ms into a restart (already serving: ${up})`);
      }
      server = await startHealthy();
      await resendUnanswered(server.base);
      note(`  restarted in ${Math.round(lastStartMs)} ms; re-sent the cut-off requests`);
    }

    // 4. A clean stop, then the checks on the folder itself.
    server.kill('SIGTERM');
    const stopCode = await exited(server);
    if (stopCode !== 0) failures.push(`clean stop exited with ${stopCode}: ${server.output().slice(-2000)}`);
    if (existsSync(join(dataDir, LOCK_FILE))) failures.push('the lock file outlived a clean stop');

    const verify = runScript('server/cli/verify.ts', env);
    const verifyExit = await exited(verify);

    const pg = await PGlite.create({ dataDir, extensions: { amcheck } });
    let rows: Array<{ id: string; parcels: number }>;
    const amcheckProblems: string[] = [];
    try {
      rows = (await pg.query<{ id: string; parcels: number }>('SELECT id::text AS id, parcels FROM pickups')).rows;
      await pg.exec('CREATE EXTENSION IF NOT EXISTS amcheck');
      const indexes = await pg.query<{ name: string; problem: string | null }>(`
        SELECT c.relname AS name, NULL AS problem FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.amname = 'btree' AND n.nspname = 'public'`);
      for (const { name } of indexes.rows) {
        try {
          await pg.query(`SELECT bt_index_check($1::regclass, true)`, [name]);
        } catch (error) {
          amcheckProblems.push(`index ${name}: ${(error as Error).message}`);
        }
      }
      const heap = await pg.query<{ rel: string; msg: string }>(`
        SELECT c.relname AS rel, v.msg FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
        LATERAL verify_heapam(c.oid) v WHERE c.relkind = 'r' AND n.nspname = 'public'`);
      for (const r of heap.rows) amcheckProblems.push(`table ${r.rel}: ${r.msg}`);
    } finally {
      await pg.close();
    }

    const inDb = new Map(rows.map((r) => [r.id, r.parcels]));
    const missing = [...acknowledged].filter((id) => !inDb.has(id));
    const unexpected = [...inDb.keys()].filter((id) => !sent.has(id));
    const wrongParcels = [...inDb].filter(([id, parcels]) => sent.has(id) && sent.get(id)!.parcels !== parcels).map(([id]) => id);
    // Every request was eventually answered, so the folder must hold exactly what was sent.
    const notAnswered = [...sent.keys()].filter((id) => !acknowledged.has(id));
    if (notAnswered.length) failures.push(`${notAnswered.length} pickups never answered`);
    if (rows.length !== acknowledged.size) failures.push(`${rows.length} rows for ${acknowledged.size} acknowledged pickups`);

    const report: KillReport = {
      seed: options.seed,
      dataDir,
      events,
      starts,
      kills: options.kills,
      startupKills: options.startupKills - remainingStartupKills,
      acknowledged: acknowledged.size,
      unanswered: unansweredCount,
      resentAlreadySaved,
      resentSavedNow,
      rowsInDatabase: rows.length,
      missing,
      unexpected,
      wrongParcels,
      verifyExit,
      verifyOutput: verify.output().trim(),
      amcheckProblems: [...amcheckProblems, ...failures],
      ok: false,
    };
    report.ok = !missing.length && !unexpected.length && !wrongParcels.length && verifyExit === 0 && !report.amcheckProblems.length;
    if (!options.keep && report.ok) rmSync(dataDir, { recursive: true, force: true });
    return report;
  } finally {
    for (const server of live) server.kill('SIGKILL');
  }
}

async function loginAdmin(base: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  return {
    get: (path: string) => fetch(`${base}${path}`, { headers: { cookie } }),
    post: (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}

/** A number seed from any text (FAULTS_SEED may be hex or a word). */
export function seedFrom(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

export function formatReport(r: KillReport): string {
  return [
    `seed ${r.seed}: ${r.starts} server starts, ${r.kills} kills while writing, ${r.startupKills} during restarts, 2 during the first start`,
    `acknowledged ${r.acknowledged} pickups; ${r.unanswered} cut off by kills and re-sent: ${r.resentAlreadySaved} had been saved already, ${r.resentSavedNow} were saved on re-sending`,
    `database holds ${r.rowsInDatabase} pickups; missing ${r.missing.length}, unexpected ${r.unexpected.length}, wrong parcels ${r.wrongParcels.length}`,
    `verify exit ${r.verifyExit}: ${r.verifyOutput.split('\n').pop()}`,
    `amcheck and other problems: ${r.amcheckProblems.length ? r.amcheckProblems.join('; ') : 'none'}`,
    r.ok ? 'RESULT: every acknowledged write survived exactly once' : `RESULT: FAILED (data kept in ${r.dataDir})`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, kills: { type: 'string' }, 'startup-kills': { type: 'string' }, keep: { type: 'boolean' } },
  });
  const seed = values.seed ? seedFrom(values.seed) : Math.floor(Math.random() * 1e6);
  const report = await runKillExperiment({
    seed,
    kills: Number(values.kills ?? 6),
    startupKills: Number(values['startup-kills'] ?? 3),
    keep: values.keep,
    log: (line) => console.log(line),
  });
  console.log(formatReport(report));
  process.exit(report.ok ? 0 : 1);
}
