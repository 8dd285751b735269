// `npm run bench`: the API's write and read paths against raw postgres.js on the same server.
// See docs/benchmarks.md for what each figure means.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';
import { memoryOf, startApp, type AppProcess } from './app-process.ts';
import { batchBody, importFile, pickupBody, RAW_COLUMNS, rawRow, TOWN_CODES } from './data.ts';
import { closedLoop, httpLoad, merge, timedOnce, withCpu, type CpuContext, type PhaseResult, type Segment } from './load.ts';
import { printReport, type Report } from './report.ts';
import { benchBriefingRender } from './briefing-render.ts';
import { benchLive, type LiveBenchResult } from './live-bench.ts';
import { seedSeasons, type SeasonSpec } from './season.ts';
import { settings } from './settings.ts';

const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The commit the measured app code is at, and whether server code or the schema had uncommitted changes. */
function codeRevision(): string {
  const cwd = new URL('../../', import.meta.url);
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'db', 'package.json'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean);
    return dirty.length ? `${rev} + uncommitted changes to ${dirty.length} files under server/, db/ or package.json` : rev;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const dbName = `guoyun_bench_${randomBytes(5).toString('hex')}`;
// Used only if the app has accounts: the administrator the app creates at its first start.
const ADMIN_USERNAME = 'benchadmin';
const ADMIN_PASSWORD = randomBytes(18).toString('base64url');
const admin = postgres(settings.serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
let app: AppProcess | null = null;
let sql: postgres.Sql | null = null;
let dbCreated = false;
let cleaning: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    if (app) await app.stop().catch((e) => console.error('stopping the app failed:', e));
    if (sql) await sql.end({ timeout: 5 }).catch(() => {});
    if (dbCreated && !settings.keepDb) {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.error(`dropping ${dbName} failed:`, e));
    } else if (dbCreated) {
      log(`kept database ${dbName} (BENCH_KEEP_DB=1)`);
    }
    await admin.end({ timeout: 5 }).catch(() => {});
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Headers every call carries: empty while the API is open to anonymous callers, else the bench's credentials. */
let authHeaders: Record<string, string> = {};

async function api<T>(method: string, path: string, body?: unknown, headers = authHeaders): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(`${app!.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed as T, res };
}

/**
 * If the app has accounts (POST /api/v1/auth/login exists), logs in as the administrator the
 * bench configured for the child, and returns the headers for administrative calls; otherwise
 * the API is open and no headers are needed.
 */
async function adminLogin(): Promise<{ mode: 'anonymous' | 'accounts'; headers: Record<string, string> }> {
  const res = await api<{ csrfToken?: string | null }>('POST', '/api/v1/auth/login', { username: ADMIN_USERNAME, password: ADMIN_PASSWORD }, {});
  if (res.status === 404) return { mode: 'anonymous', headers: {} };
  if (res.status !== 200) throw new Error(`logging in as ${ADMIN_USERNAME} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const cookie = res.res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { mode: 'accounts', headers: { cookie, ...(res.body.csrfToken ? { 'x-csrf-token': res.body.csrfToken } : {}) } };
}

async function pickupCount(): Promise<number> {
  const [r] = await sql!`select count(*)::bigint as n from pickups`;
  return Number(r.n);
}

/** A checkpoint before each measured phase, so one phase's dirty pages are not flushed on the next one's clock. */
async function quiesce() {
  await sql!`checkpoint`;
}

/**
 * Warms both loads up, then measures them in `rounds` alternating stretches (A B, B A, A B ...)
 * with a checkpoint before each, so that drift and other programs' load fall on both alike.
 */
async function compare(a: (durationS: number) => Promise<Segment>, b: (durationS: number) => Promise<Segment>): Promise<[PhaseResult, PhaseResult]> {
  if (settings.warmupS) {
    await a(settings.warmupS);
    await b(settings.warmupS);
  }
  const stretch = settings.durationS / settings.rounds;
  const as: Segment[] = [];
  const bs: Segment[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    const order =
      round % 2 === 0
        ? ([
            [a, as],
            [b, bs],
          ] as const)
        : ([
            [b, bs],
            [a, as],
          ] as const);
    for (const [run, into] of order) {
      await quiesce();
      into.push(await run(stretch));
    }
  }
  return [merge(as), merge(bs)];
}

function describe(name: string, r: PhaseResult, unit: string) {
  const c = r.cpu;
  const cpu = `cpu: app ${c.app === null ? '—' : c.app.toFixed(2)}, postgres ${c.postgres.toFixed(2)}, load gen ${c.loadGenerator.toFixed(2)}, other programs ${c.other.toFixed(2)} cores`;
  log(
    `${name}: ${fmt(r.rowsPerS)} ${unit}/s (${fmt(r.ops)} ops in ${r.seconds.toFixed(1)} s), ` +
      `p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms, max ${r.latency.max.toFixed(1)} ms, ` +
      `non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}; ${cpu}`,
  );
  for (const f of r.failures) log(`  failure: ${f}`);
}

async function main(): Promise<Report> {
  const [{ server_version: pgVersion }] = await admin`show server_version`;
  const pgSettings = Object.fromEntries(
    (
      await admin`select name, setting, unit from pg_settings
                 where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'max_wal_size', 'max_connections')`
    ).map((r) => [r.name, r.unit && r.unit !== '' ? `${r.setting} × ${r.unit}` : r.setting]),
  );
  const machine = {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpuCount: os.cpus().length,
    totalMemGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    postgres: String(pgVersion),
    postgresSettings: pgSettings as Record<string, string>,
    code: codeRevision(),
  };
  log(`machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemGiB.toFixed(1)} GiB, node ${machine.node}, PostgreSQL ${machine.postgres}`);
  log(`code: ${machine.code}`);
  log(`settings: ${JSON.stringify({ ...settings, serverUrl: new URL(settings.serverUrl).host })}`);

  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  dbCreated = true;
  const benchUrl = withDatabase(settings.serverUrl, dbName);
  log(`created database ${dbName}`);

  app = await startApp({ databaseUrl: benchUrl, poolMax: settings.appPoolMax, adminUsername: ADMIN_USERNAME, adminPassword: ADMIN_PASSWORD });
  log(`app pid ${app.pid} healthy at ${app.baseUrl} after ${(app.startupMs / 1000).toFixed(1)} s (migrate + seed + season projects)`);

  const login = await adminLogin();
  const coop = await api<{ id: string }>('POST', '/api/v1/cooperatives', { name: `Bench cooperative ${dbName}`, townCode: '370323109' }, login.headers);
  if (coop.status !== 201) throw new Error(`creating the cooperative answered ${coop.status}: ${JSON.stringify(coop.body)}`);
  const cooperativeId = coop.body.id;
  if (login.mode === 'accounts') {
    // The load acts as the cooperative's own system would: with an API token of the cooperative role.
    const token = await api<{ token: string }>('POST', '/api/v1/tokens', { name: 'bench', role: 'cooperative', organization: cooperativeId }, login.headers);
    if (token.status !== 201) throw new Error(`issuing an API token answered ${token.status}: ${JSON.stringify(token.body)}`);
    authHeaders = { authorization: `Bearer ${token.body.token}` };
  }
  log(`API access: ${login.mode === 'accounts' ? 'accounts — the load uses a cooperative-role API token' : 'open (no accounts)'}`);
  const projects = await api<{ items: { id: string; code: string; productCode: string; townCode: string | null; startsOn: string; endsOn: string }[] }>(
    'GET',
    '/api/v1/projects',
  );
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const apple =
    projects.body.items.find((p) => p.productCode === 'apple' && p.townCode === null && p.startsOn <= today && today <= p.endsOn) ??
    projects.body.items.find((p) => p.productCode === 'apple' && p.townCode === null);
  if (!apple) throw new Error(`no apple season project: ${JSON.stringify(projects.body)}`);
  log(`cooperative ${cooperativeId}; apple project ${apple.code} (${apple.startsOn}..${apple.endsOn}) ${apple.id}`);

  const maxConn = Math.max(settings.singleConnections, settings.batchConnections) + 2;
  sql = postgres(benchUrl, { max: maxConn, onnotice: () => {}, connection: { application_name: 'guoyun-bench', TimeZone: 'UTC' } });
  // Same columns, defaults, checks, primary key and indexes as pickups; no foreign keys, no tallies.
  await sql`create table raw_pickups (like pickups including defaults including constraints including indexes)`;
  const base = app.baseUrl;
  const db = sql;
  const cpuCtx: CpuContext = {
    appPid: app.pid,
    postgresPids: async () =>
      new Set((await db`select pid from pg_stat_activity where datname = current_database() or backend_type <> 'client backend'`).map((r) => Number(r.pid))),
  };
  const rawCpuCtx: CpuContext = { ...cpuCtx, appPid: null };

  // 2. Single pickups through the API, and 3. raw single-row inserts, in alternating stretches.
  let singleWritten = 0;
  const apiSingleRun = async (durationS: number) => {
    const before = await pickupCount();
    const seg = await httpLoad({
      baseUrl: base,
      method: 'POST',
      path: '/api/v1/pickups',
      connections: settings.singleConnections,
      durationS,
      body: () => pickupBody(cooperativeId),
      headers: authHeaders,
      cpu: cpuCtx,
    });
    singleWritten += (await pickupCount()) - before;
    return seg;
  };
  const rawSingleOp = () => db`insert into raw_pickups ${db(rawRow(cooperativeId), RAW_COLUMNS)}`;
  const rawSingleRun = (durationS: number) => closedLoop({ workers: settings.singleConnections, durationS, rowsPerOp: 1, op: rawSingleOp, cpu: rawCpuCtx });
  const [apiSingle, rawSingle] = await compare(apiSingleRun, rawSingleRun);
  describe(`API single (${settings.singleConnections} conn)`, apiSingle, 'req');
  describe(`raw single-row INSERT (${settings.singleConnections} conn)`, rawSingle, 'rows');
  if (singleWritten < apiSingle.ops) throw new Error(`API answered 2xx ${apiSingle.ops} times but only ${singleWritten} pickups were written`);

  // 4. Batches through the API, and raw multi-row inserts.
  let batchWritten = 0;
  const apiBatchRun = async (durationS: number) => {
    const before = await pickupCount();
    const seg = await httpLoad({
      baseUrl: base,
      method: 'POST',
      path: '/api/v1/pickups/batch',
      connections: settings.batchConnections,
      durationS,
      body: () => batchBody(cooperativeId, settings.batchSize),
      rowsPerRequest: settings.batchSize,
      headers: authHeaders,
      cpu: cpuCtx,
    });
    batchWritten += (await pickupCount()) - before;
    return seg;
  };
  const rawBatchOp = () => {
    const rows = Array.from({ length: settings.batchSize }, () => rawRow(cooperativeId));
    return db`insert into raw_pickups ${db(rows, RAW_COLUMNS)}`;
  };
  const rawBatchRun = (durationS: number) =>
    closedLoop({ workers: settings.batchConnections, durationS, rowsPerOp: settings.batchSize, op: rawBatchOp, cpu: rawCpuCtx });
  const [apiBatch, rawBatch] = await compare(apiBatchRun, rawBatchRun);
  describe(`API batch of ${settings.batchSize} (${settings.batchConnections} conn)`, apiBatch, 'pickups');
  describe(`raw multi-row INSERT of ${settings.batchSize} (${settings.batchConnections} conn)`, rawBatch, 'rows');
  if (batchWritten < apiBatch.ops * settings.batchSize)
    throw new Error(`API answered 2xx to ${apiBatch.ops} batches but only ${batchWritten} pickups were written`);
  // 5. File import through the API (CSV, loaded by the app with COPY), and raw COPY of the same rows.
  const files = Array.from({ length: settings.importFiles * 2 }, () => importFile(cooperativeId, settings.importRows));
  let nextFile = 0;
  const importWritten = { api: 0 };
  const apiImportRun = async () => {
    const file = files[nextFile++ % files.length];
    const before = await pickupCount();
    const seg = await timedOnce(cpuCtx, file.rows, async () => {
      const res = await fetch(`${base}/api/v1/pickups/import`, {
        method: 'POST',
        headers: { ...authHeaders, 'content-type': 'text/csv' },
        body: file.csv,
        signal: AbortSignal.timeout(600_000),
      });
      const body = (await res.json()) as { summary?: { created: number } };
      if (res.status !== 200 || body.summary?.created !== file.rows) throw new Error(`import answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
    });
    importWritten.api += (await pickupCount()) - before;
    return seg;
  };
  const rawImportRun = async () => {
    const file = files[nextFile++ % files.length];
    return timedOnce(rawCpuCtx, file.rows, async () => {
      const stream = await db`copy raw_pickups (${db.unsafe(RAW_COLUMNS.join(', '))}) from stdin`.writable();
      await new Promise<void>((resolve, reject) => {
        stream.once('finish', resolve);
        stream.once('error', reject);
        stream.end(file.copy);
      });
    });
  };
  // One file is one stretch: API, raw, raw, API, … with a checkpoint before each.
  await apiImportRun();
  await rawImportRun();
  const apiImports: Segment[] = [];
  const rawImports: Segment[] = [];
  for (let i = 0; i < settings.importFiles; i++) {
    const order =
      i % 2 === 0
        ? ([
            [apiImportRun, apiImports],
            [rawImportRun, rawImports],
          ] as const)
        : ([
            [rawImportRun, rawImports],
            [apiImportRun, apiImports],
          ] as const);
    for (const [run, into] of order) {
      await quiesce();
      into.push(await run());
    }
  }
  const apiImport = merge(apiImports);
  const rawImport = merge(rawImports);
  describe(`API file import, ${fmt(settings.importRows)} rows per file`, apiImport, 'rows');
  describe(`raw COPY, ${fmt(settings.importRows)} rows per file`, rawImport, 'rows');
  if (importWritten.api < apiImport.ops * settings.importRows)
    throw new Error(`the import API acknowledged ${fmt(apiImport.ops * settings.importRows)} rows but only ${fmt(importWritten.api)} were written`);
  await sql`drop table raw_pickups`;

  // 6. The season: past apple and cherry seasons, complete, written with COPY (setup, not measured).
  const seasonSpecs: SeasonSpec[] = [
    { productCode: 'apple', startsOn: '2025-08-20', endsOn: '2026-04-30', parcels: Math.round(10_000_000 * settings.scale) },
    { productCode: 'cherry', startsOn: '2026-04-01', endsOn: '2026-06-15', parcels: Math.round(5_000_000 * settings.scale) },
  ];
  const seasonProjects: { id: string; productCode: string }[] = [];
  for (const s of seasonSpecs) {
    const res = await api<{ id: string }>(
      'POST',
      '/api/v1/projects',
      {
        code: `${s.productCode}-${s.startsOn.slice(0, 4)}-bench`,
        name: `${s.productCode === 'apple' ? '沂源苹果' : '沂源樱桃'}（${s.startsOn.slice(0, 4)}产季，压测）`,
        productCode: s.productCode,
        tier: s.productCode === 'apple' ? 'gold' : 'silver',
        targetParcels: s.productCode === 'apple' ? 10_000_000 : 5_000_000,
        startsOn: s.startsOn,
        endsOn: s.endsOn,
      },
      login.headers,
    );
    if (res.status !== 201) throw new Error(`creating the ${s.productCode} season project answered ${res.status}: ${JSON.stringify(res.body)}`);
    seasonProjects.push({ id: res.body.id, productCode: s.productCode });
  }
  const townCoops = new Map<string, string>();
  for (const town of TOWN_CODES) {
    const res = await api<{ id: string }>('POST', '/api/v1/cooperatives', { name: `压测合作社 ${town}`, townCode: town }, login.headers);
    if (res.status !== 201) throw new Error(`creating a cooperative answered ${res.status}: ${JSON.stringify(res.body)}`);
    townCoops.set(town, res.body.id);
  }
  log(
    `seeding the season with COPY: apple ${fmt(seasonSpecs[0].parcels)} parcels, cherry ${fmt(seasonSpecs[1].parcels)}, ${settings.parcelsPerPickup} parcel(s) per pickup row`,
  );
  const seeded = await withCpu(cpuCtx, () =>
    seedSeasons(db, {
      seasons: seasonSpecs,
      cooperativeOf: (t) => townCoops.get(t)!,
      parcelsPerPickup: settings.parcelsPerPickup,
      projectIds: seasonProjects.map((p) => p.id),
      log,
    }),
  );
  const season = seeded.value;
  log(
    `season: ${fmt(season.rows)} pickup rows (${fmt(season.parcels)} parcels), ${fmt(season.reports)} carrier reports; ` +
      `copy ${season.seconds.copy.toFixed(0)} s, indexes ${season.seconds.indexes.toFixed(0)} s, tallies ${season.seconds.tallies.toFixed(0)} s`,
  );
  let verify: { ok: boolean; seconds: number; output: string } | null = null;
  if (settings.verify) {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/verify.ts'], {
      cwd: new URL('../../', import.meta.url),
      env: { ...process.env, DATABASE_URL: benchUrl, LOG_LEVEL: 'warn', NODE_OPTIONS: '' },
      encoding: 'utf8',
      timeout: 1_800_000,
    });
    verify = {
      ok: result.status === 0,
      seconds: (performance.now() - t0) / 1000,
      output: `${result.stdout}${result.stderr}`.trim().split('\n').slice(-3).join(' / '),
    };
    log(`verify: ${verify.ok ? 'every tally matches the ledger' : 'DIFFERENCES'} (${verify.seconds.toFixed(0)} s): ${verify.output}`);
  }
  const ledgerRows = await pickupCount();
  const [{ bytes: ledgerBytes }] = await sql`select pg_total_relation_size('pickups')::bigint as bytes`;

  // The tallies must agree with the ledger they sum: the current season holds only the bench's own pickups.
  const [{ parcels }] = await sql`select coalesce(sum(parcels), 0)::bigint as parcels from pickups
    where product_code = 'apple' and business_date between ${apple.startsOn} and ${apple.endsOn}`;
  const progressCheck = await api<{ countedParcels: number; daily: unknown[] }>('GET', `/api/v1/projects/${apple.id}/progress`);
  if (progressCheck.status !== 200) throw new Error(`progress answered ${progressCheck.status}: ${JSON.stringify(progressCheck.body)}`);
  const talliesAgree = progressCheck.body.countedParcels === Number(parcels) && (verify?.ok ?? true);
  log(
    `tallies ${talliesAgree ? 'agree' : 'DISAGREE'} with the ledger: progress counts ${fmt(progressCheck.body.countedParcels)} parcels, ledger sums ${fmt(Number(parcels))}`,
  );
  const tableStats = await sql`
    select relname as table, n_live_tup::bigint as live, n_dead_tup::bigint as dead,
           pg_total_relation_size(relid) as bytes, coalesce(autovacuum_count, 0) as autovacuums
    from pg_stat_user_tables where relname in ('pickups', 'volume_cells', 'project_rollups') order by relname`;
  for (const t of tableStats)
    log(
      `  ${t.table}: ${fmt(Number(t.live))} live / ${fmt(Number(t.dead))} dead tuples, ${fmt(Number(t.bytes) / 2 ** 20, 1)} MiB, ${t.autovacuums} autovacuums`,
    );

  // 7. Progress read of the full apple season.
  const fullApple = seasonProjects[0];
  const seasonProgress = await api<{ countedParcels: number; daily: unknown[] }>('GET', `/api/v1/projects/${fullApple.id}/progress`);
  log(`full apple season: progress counts ${fmt(seasonProgress.body.countedParcels)} parcels over ${seasonProgress.body.daily.length} days`);
  const progressLoad = (connections: number, durationS: number) =>
    httpLoad({ baseUrl: base, method: 'GET', path: `/api/v1/projects/${fullApple.id}/progress`, connections, durationS, headers: authHeaders, cpu: cpuCtx });
  if (settings.warmupS) await progressLoad(settings.progressConnections, settings.warmupS);
  await quiesce();
  const progress = merge([await progressLoad(settings.progressConnections, settings.progressDurationS)]);
  describe(`progress read (${settings.progressConnections} conn, ${fmt(ledgerRows)} rows)`, progress, 'req');
  await quiesce();
  const progressOne = merge([await progressLoad(1, Math.max(2, Math.round(settings.progressDurationS / 2)))]);
  describe(`progress read (1 conn)`, progressOne, 'req');

  // 8. A briefing of the full seasons, rendered by the app from the database.
  const briefingTimes: number[] = [];
  let briefingBytes = 0;
  const previewPath = `/api/v1/briefings/preview.pdf?projectIds=${seasonProjects.map((p) => p.id).join(',')}`;
  for (let i = 0; i <= settings.briefingRuns; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}${previewPath}`, { headers: login.headers, signal: AbortSignal.timeout(120_000) });
    const pdf = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`briefing preview answered ${res.status}: ${pdf.toString('utf8').slice(0, 300)}`);
    // The first render pays for loading fonts: measured, not counted.
    if (i > 0) briefingTimes.push(performance.now() - t0);
    briefingBytes = pdf.length;
  }
  briefingTimes.sort((a, b) => a - b);
  const briefing = {
    medianMs: briefingTimes[Math.floor(briefingTimes.length / 2)],
    maxMs: briefingTimes.at(-1)!,
    bytes: briefingBytes,
    runs: briefingTimes.length,
  };
  log(
    `briefing preview of the full seasons through the API: median ${briefing.medianMs.toFixed(0)} ms, max ${briefing.maxMs.toFixed(0)} ms, ${fmt(briefing.bytes / 1024)} kB`,
  );

  // 9. Live: 1,000 dashboards on this app, with the full season in its database.
  let live: LiveBenchResult | null = null;
  let liveError: string | null = null;
  if (settings.live) {
    log(`live: ${settings.liveClients} dashboards in a separate process, ${settings.liveRate} writes/s for ${settings.liveSeconds} s…`);
    try {
      live = await benchLive({
        adminUrl: settings.serverUrl,
        clients: settings.liveClients,
        writesPerSecond: settings.liveRate,
        seconds: settings.liveSeconds,
        target: { baseUrl: base, pid: app.pid, adminUsername: ADMIN_USERNAME, adminPassword: ADMIN_PASSWORD },
      });
      log(`live: p50 ${live.p50Ms} ms, p99 ${live.p99Ms} ms, max ${live.maxMs} ms, ${live.messagesPerWrite} messages per write, missing ${live.missing}`);
    } catch (error) {
      // Reported with the rest rather than losing the run's other figures.
      liveError = String((error as Error)?.message ?? error) + ((error as Error)?.cause ? ` (${String((error as { cause: unknown }).cause)})` : '');
      log(`live phase failed: ${liveError}`);
    }
  }

  const memory = memoryOf(app.pid);
  if (memory) log(`app memory: peak RSS ${memory.peakRssMiB.toFixed(0)} MiB, now ${memory.rssMiB.toFixed(0)} MiB`);

  return {
    when: new Date().toISOString(),
    machine,
    settings: { ...settings, serverUrl: new URL(settings.serverUrl).host },
    appStartupS: app.startupMs / 1000,
    access: login.mode,
    apiSingle,
    rawSingle,
    apiBatch,
    rawBatch,
    apiImport,
    rawImport,
    season: { ...season, setupCpu: seeded.cpu, ledgerBytes: Number(ledgerBytes) },
    verify,
    ledgerRows,
    talliesAgree,
    briefing,
    live,
    liveError,
    progress,
    progressOne,
    appMemory: memory,
  };
}

let exitCode = 0;
try {
  const report = await main();
  printReport(report);
  if (settings.jsonOut) writeFileSync(settings.jsonOut, JSON.stringify(report, null, 2));
  if (!report.talliesAgree) console.error('WARNING: the progress tallies disagree with the ledger (an app bug, not a bench failure)');
  if (report.liveError) {
    console.error(`the live phase failed (${report.liveError}): its figures are missing`);
    exitCode = 1;
  }
  if (
    report.apiSingle.non2xx ||
    report.apiBatch.non2xx ||
    report.apiImport.non2xx ||
    report.rawImport.errors ||
    report.progress.non2xx ||
    report.progressOne.non2xx
  ) {
    console.error('the API answered non-2xx during a measured phase: the figures above are not valid');
    exitCode = 1;
  }
} catch (error) {
  console.error('benchmark failed:', error);
  const running = app as AppProcess | null;
  if (running) console.error(`--- app output (last lines) ---\n${running.output()}`);
  exitCode = 1;
} finally {
  await cleanup();
}

// The briefing renderer alone, on a synthetic full-season model (no database): the PDF work by itself.
if (exitCode === 0 && settings.briefing) {
  try {
    log('briefing: rendering a full-season briefing…');
    const b = await benchBriefingRender();
    console.log('\nBriefing (every town, every carrier, a whole season of daily data)');
    console.log(
      `  median render ${fmt(b.ms)} ms (goal ≤ 1,500 ms) — ${b.ms <= 1500 ? 'PASS' : 'MISS'}; ${b.pages} pages, ${fmt(b.bytes / 1024)} kB; peak RSS ${fmt(b.peakRssMb)} MB`,
    );
  } catch (error) {
    console.error('briefing benchmark failed:', error);
    exitCode = 1;
  }
}
process.exit(exitCode);
