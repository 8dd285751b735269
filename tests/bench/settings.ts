// Benchmark settings. The environment is read here and nowhere else in tests/bench.

function num(name: string, fallback: number, { min = 0 } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min} (got "${raw}")`);
  return n;
}

const duration = num('BENCH_DURATION_S', 10, { min: 1 });

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
  /** Ledger size the progress read is measured at. */
  ledgerRows: num('BENCH_LEDGER_ROWS', 1_000_000),
  growBatchSize: num('BENCH_GROW_BATCH', 1000, { min: 1 }),
  growConnections: num('BENCH_GROW_CONNECTIONS', 3, { min: 1 }),
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
};
