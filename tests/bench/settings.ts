// Benchmark settings. The environment is read here and nowhere else in tests/bench.

function num(name: string, fallback: number, { min = 0 } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min} (got "${raw}")`);
  return n;
}

const duration = num('BENCH_DURATION_S', 10, { min: 1 });

function scaleSetting(): number {
  const i = process.argv.indexOf('--scale');
  const arg = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--scale='))?.slice('--scale='.length);
  if (arg === undefined) return num('BENCH_SCALE', 1);
  const n = Number(arg);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--scale must be a number > 0 (got "${arg}")`);
  return n;
}

export const settings = {
  /** Server to run against; a fresh database is created on it and dropped at the end. */
  serverUrl: process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres',
  /** Seconds each measured phase runs. */
  durationS: duration,
  /**
   * Each API figure and its raw counterpart are measured in this many alternating stretches
   * (A B, B A, ...) of durationS / rounds each, so that drift and other programs' load hit both alike.
   */
  rounds: num('BENCH_ROUNDS', 2, { min: 1 }),
  /** Seconds of unmeasured load before each measured phase (JIT, pools, plan caches). */
  warmupS: num('BENCH_WARMUP_S', 2),
  singleConnections: num('BENCH_SINGLE_CONNECTIONS', 10, { min: 1 }),
  batchConnections: num('BENCH_BATCH_CONNECTIONS', 4, { min: 1 }),
  batchSize: num('BENCH_BATCH_SIZE', 100, { min: 1 }),
  /** File import: rows per uploaded file, and files per side (API and raw COPY alternate file by file). */
  importRows: num('BENCH_IMPORT_ROWS', 50_000, { min: 1 }),
  importFiles: num('BENCH_IMPORT_FILES', 4, { min: 1 }),
  /**
   * The season data set: 1 = a full apple season of 10,000,000 parcels and a cherry season of
   * 5,000,000; 0.01 for a quick run (`--scale 0.01` on the command line does the same).
   */
  scale: scaleSetting(),
  /** Parcels per seeded pickup row: 1 makes every parcel a ledger row (15,000,000 rows at scale 1). */
  parcelsPerPickup: num('BENCH_PARCELS_PER_PICKUP', 1, { min: 1 }),
  /** Run `verify` (every tally recomputed from the ledger) after seeding the season; BENCH_VERIFY=0 skips it. */
  verify: process.env.BENCH_VERIFY !== '0',
  briefingRuns: num('BENCH_BRIEFING_RUNS', 5, { min: 1 }),
  progressConnections: num('BENCH_PROGRESS_CONNECTIONS', 10, { min: 1 }),
  progressDurationS: num('BENCH_PROGRESS_DURATION_S', duration, { min: 1 }),
  /** Keep the bench database afterwards (for poking at it); it is dropped by default. */
  keepDb: process.env.BENCH_KEEP_DB === '1',
  /** Optional path to also write the results as JSON. */
  jsonOut: process.env.BENCH_JSON?.trim() || null,
  /** Passed to the app as DATABASE_POOL_MAX when set; otherwise the app's default (10). */
  appPoolMax: process.env.BENCH_APP_POOL_MAX?.trim() || null,
  /** The live phase: dashboards connected, steady write rate, seconds. BENCH_LIVE=0 skips it. */
  live: process.env.BENCH_LIVE !== '0',
  liveClients: num('BENCH_LIVE_CLIENTS', 1000, { min: 1 }),
  liveRate: num('BENCH_LIVE_RATE', 50, { min: 1 }),
  liveSeconds: num('BENCH_LIVE_SECONDS', 20, { min: 1 }),
  /** The briefing render phase; BENCH_BRIEFING=0 skips it. */
  briefing: process.env.BENCH_BRIEFING !== '0',
};

export type Settings = typeof settings;

/** The goals the figures are judged against. */
export const goals = {
  singleRatio: 0.5,
  singleP99Ms: 50,
  batchRatio: 0.55,
  progressP99Ms: 10,
  progressLedgerRows: 1_000_000,
  importRatio: 0.5,
  liveP99Ms: 200,
  briefingMs: 1500,
};
