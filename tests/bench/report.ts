import type { LiveBenchResult } from './live-bench.ts';
import type { CpuShare, PhaseResult } from './load.ts';
import { goals, type Settings } from './settings.ts';

export type Report = {
  when: string;
  machine: {
    cpuModel: string;
    cpuCount: number;
    totalMemGiB: number;
    node: string;
    os: string;
    postgres: string;
    postgresSettings: Record<string, string>;
    /** Commit of the measured code, and whether it had uncommitted changes. */
    code: string;
  };
  settings: Omit<Settings, 'serverUrl'> & { serverUrl: string };
  appStartupS: number;
  /** 'accounts' when the load carried a cooperative API token, 'anonymous' when the API was open. */
  access: 'anonymous' | 'accounts';
  apiSingle: PhaseResult;
  rawSingle: PhaseResult;
  apiBatch: PhaseResult;
  rawBatch: PhaseResult;
  apiImport: PhaseResult;
  rawImport: PhaseResult;
  /** The season data set, written with COPY before the reads were measured. */
  season: {
    rows: number;
    parcels: number;
    reports: number;
    seconds: { copy: number; indexes: number; tallies: number };
    setupCpu: CpuShare;
    ledgerBytes: number;
  };
  verify: { ok: boolean; seconds: number; output: string } | null;
  ledgerRows: number;
  talliesAgree: boolean;
  briefing: { medianMs: number; maxMs: number; bytes: number; runs: number };
  live: LiveBenchResult | null;
  /** Why the live phase produced no figures, when it failed. */
  liveError: string | null;
  progress: PhaseResult;
  progressOne: PhaseResult;
  appMemory: { peakRssMiB: number; rssMiB: number } | null;
};

const n0 = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const ms = (n: number) => `${n.toFixed(1)} ms`;
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');

type Row = [string, string, string, string, string, string];

export function rows(r: Report): Row[] {
  const s = r.settings;
  const singleRatio = r.apiSingle.opsPerS / r.rawSingle.rowsPerS;
  const batchRatio = r.apiBatch.rowsPerS / r.rawBatch.rowsPerS;
  const importRatio = r.apiImport.rowsPerS / r.rawImport.rowsPerS;
  const bigEnough = r.ledgerRows >= goals.progressLedgerRows;
  const out: Row[] = [
    [
      `Single pickup, ${s.singleConnections} conn: throughput`,
      `${n0(r.apiSingle.opsPerS)} req/s`,
      `${n0(r.rawSingle.rowsPerS)} rows/s`,
      pct(singleRatio),
      `>= ${pct(goals.singleRatio)}`,
      mark(singleRatio >= goals.singleRatio),
    ],
    [
      `Single pickup, ${s.singleConnections} conn: p50 / p99`,
      `${ms(r.apiSingle.latency.p50)} / ${ms(r.apiSingle.latency.p99)}`,
      `${ms(r.rawSingle.latency.p50)} / ${ms(r.rawSingle.latency.p99)}`,
      (r.apiSingle.latency.p99 / r.rawSingle.latency.p99).toFixed(1) + '×',
      `p99 <= ${goals.singleP99Ms} ms`,
      mark(r.apiSingle.latency.p99 <= goals.singleP99Ms),
    ],
    [
      `Batch of ${s.batchSize}, ${s.batchConnections} conn: throughput`,
      `${n0(r.apiBatch.rowsPerS)} pickups/s`,
      `${n0(r.rawBatch.rowsPerS)} rows/s`,
      pct(batchRatio),
      `>= ${pct(goals.batchRatio)}`,
      mark(batchRatio >= goals.batchRatio),
    ],
    [
      `Batch of ${s.batchSize}, ${s.batchConnections} conn: p50 / p99`,
      `${ms(r.apiBatch.latency.p50)} / ${ms(r.apiBatch.latency.p99)}`,
      `${ms(r.rawBatch.latency.p50)} / ${ms(r.rawBatch.latency.p99)}`,
      (r.apiBatch.latency.p99 / r.rawBatch.latency.p99).toFixed(1) + '×',
      '—',
      '',
    ],
    [
      `File import (CSV → COPY), ${n0(s.importRows)} rows per file, 1 at a time: throughput`,
      `${n0(r.apiImport.rowsPerS)} pickups/s`,
      `${n0(r.rawImport.rowsPerS)} rows/s (raw COPY)`,
      pct(importRatio),
      `>= ${pct(goals.importRatio)}`,
      mark(importRatio >= goals.importRatio),
    ],
    [
      `File import: time per file (median)`,
      `${ms(r.apiImport.latency.p50)}`,
      `${ms(r.rawImport.latency.p50)}`,
      (r.apiImport.latency.p50 / r.rawImport.latency.p50).toFixed(1) + '×',
      '—',
      '',
    ],
    [
      `Progress read, full apple season, ${s.progressConnections} conn, ledger ${n0(r.ledgerRows)} rows: p50 / p99`,
      `${ms(r.progress.latency.p50)} / ${ms(r.progress.latency.p99)}`,
      '—',
      '—',
      `p99 <= ${goals.progressP99Ms} ms at >= ${n0(goals.progressLedgerRows)} rows`,
      mark(bigEnough && r.progress.latency.p99 <= goals.progressP99Ms),
    ],
    [`Progress read, ${s.progressConnections} conn: throughput`, `${n0(r.progress.opsPerS)} req/s`, '—', '—', '—', ''],
    [
      'Progress read, 1 conn: p50 / p99',
      `${ms(r.progressOne.latency.p50)} / ${ms(r.progressOne.latency.p99)}`,
      '—',
      '—',
      `p99 <= ${goals.progressP99Ms} ms`,
      mark(bigEnough && r.progressOne.latency.p99 <= goals.progressP99Ms),
    ],
  ];
  if (r.live)
    out.push(
      [
        `Live: ${n0(r.live.clients)} dashboards, ${n0(r.live.writesPerSecond)} writes/s, write ack → every dashboard, p50 / p99 / max`,
        `${r.live.p50Ms} / ${r.live.p99Ms} / ${r.live.maxMs} ms`,
        '—',
        '—',
        `p99 <= ${goals.liveP99Ms} ms, none missed`,
        mark(r.live.p99Ms <= goals.liveP99Ms && r.live.missing === 0 && r.live.everyClientEndedOnFinalFigure),
      ],
      [`Live: messages per write`, `${n0(r.live.messagesPerWrite)} (vs ${n0(r.live.clients)} clients)`, '—', '—', '(reported)', ''],
    );
  if (r.liveError)
    out.push([
      `Live: ${n0(s.liveClients)} dashboards, ${n0(s.liveRate)} writes/s`,
      `failed: ${r.liveError.slice(0, 120)}`,
      '—',
      '—',
      `p99 <= ${goals.liveP99Ms} ms`,
      'MISS',
    ]);
  out.push(
    [
      `Briefing of the full seasons (preview.pdf through the API), median of ${r.briefing.runs}`,
      `${n0(r.briefing.medianMs)} ms (max ${n0(r.briefing.maxMs)}), ${n0(r.briefing.bytes / 1024)} kB`,
      '—',
      '—',
      `<= ${n0(goals.briefingMs)} ms`,
      mark(r.briefing.medianMs <= goals.briefingMs),
    ],
    [`App memory: peak RSS over the whole run`, r.appMemory ? `${n0(r.appMemory.peakRssMiB)} MiB` : 'unknown', '—', '—', '(reported)', ''],
    [
      `Season set-up with COPY (not measured against a goal)`,
      `${n0(r.season.rows)} rows, ${n0(r.season.parcels)} parcels`,
      '—',
      '—',
      `${(r.season.seconds.copy + r.season.seconds.indexes + r.season.seconds.tallies).toFixed(0)} s`,
      '',
    ],
  );
  return out;
}

const HEADER: Row = ['Measure', 'API', 'Raw postgres.js', 'API/raw', 'Goal', 'Result'];

export function markdownTable(r: Report): string {
  const all = [HEADER, HEADER.map(() => '---') as Row, ...rows(r)];
  return all.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function textTable(r: Report): string {
  const all = [HEADER, ...rows(r)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: Row) =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows(r).map(line)].join('\n');
}

const cpu = (c: CpuShare) =>
  `app ${c.app === null ? '  — ' : c.app.toFixed(2)}, postgres ${c.postgres.toFixed(2)}, load generator ${c.loadGenerator.toFixed(2)}, other programs ${c.other.toFixed(2)}`;

/** CPU milliseconds per operation (per request, or per row for the raw side): steadier than throughput on a shared machine. */
function cpuPerOp(c: CpuShare, perSecond: number): string {
  const ms = (cores: number) => ((cores * 1000) / perSecond).toFixed(3);
  const parts = [
    ...(c.app === null ? [] : [`app ${ms(c.app)}`]),
    `postgres ${ms(c.postgres)}`,
    `${c.app === null ? 'postgres.js client' : 'load generator'} ${ms(c.loadGenerator)}`,
  ];
  return `${parts.join(' + ')} = ${ms((c.app ?? 0) + c.postgres + c.loadGenerator)} ms`;
}

/** Other programs kept more than this many cores busy: the phase's figures are suspect. */
export const DISTURBED_CORES = 0.2;

export function disturbedPhases(r: Report): string[] {
  const phases: [string, CpuShare][] = [
    ['API single', r.apiSingle.cpu],
    ['raw single', r.rawSingle.cpu],
    ['API batch', r.apiBatch.cpu],
    ['raw batch', r.rawBatch.cpu],
    ['API import', r.apiImport.cpu],
    ['raw COPY', r.rawImport.cpu],
    ['progress read', r.progress.cpu],
  ];
  return phases.filter(([, c]) => c.other > DISTURBED_CORES).map(([name, c]) => `${name} (${c.other.toFixed(2)} cores)`);
}

export function printReport(r: Report) {
  const m = r.machine;
  const out = [
    '',
    '=== Guoyun benchmark ===',
    `machine:   ${m.cpuCount} × ${m.cpuModel}, ${m.totalMemGiB.toFixed(1)} GiB RAM, ${m.os}`,
    `software:  node ${m.node}, PostgreSQL ${m.postgres} (${Object.entries(m.postgresSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')})`,
    `code:      ${m.code}`,
    `app:       started in ${r.appStartupS.toFixed(1)} s; API access ${r.access === 'accounts' ? 'with a cooperative API token' : 'open (no accounts)'}; peak RSS ${r.appMemory ? `${r.appMemory.peakRssMiB.toFixed(0)} MiB` : 'unknown'}`,
    `ledger:    ${r.ledgerRows.toLocaleString('en')} pickup rows (${(r.season.ledgerBytes / 2 ** 30).toFixed(1)} GiB with indexes) at the progress read; tallies ${r.talliesAgree ? 'agree' : 'DISAGREE'} with the ledger` +
      (r.verify ? `; verify ${r.verify.ok ? 'passed' : 'FAILED'} in ${r.verify.seconds.toFixed(0)} s` : ''),
    `non-2xx:   single ${r.apiSingle.non2xx}, batch ${r.apiBatch.non2xx}, progress ${r.progress.non2xx + r.progressOne.non2xx}; ` +
      `errors/timeouts: ${r.apiSingle.errors + r.apiBatch.errors + r.progress.errors}/${r.apiSingle.timeouts + r.apiBatch.timeouts + r.progress.timeouts}`,
    '',
    textTable(r),
    '',
    'CPU cores kept busy (of ' + m.cpuCount + '):',
    `  API single:      ${cpu(r.apiSingle.cpu)}`,
    `  raw single:      ${cpu(r.rawSingle.cpu)}`,
    `  API batch:       ${cpu(r.apiBatch.cpu)}`,
    `  raw batch:       ${cpu(r.rawBatch.cpu)}`,
    `  API import:      ${cpu(r.apiImport.cpu)}`,
    `  raw COPY:        ${cpu(r.rawImport.cpu)}`,
    `  season set-up:   ${cpu(r.season.setupCpu)}`,
    `  progress read:   ${cpu(r.progress.cpu)}`,
    '',
    'CPU time per operation (ms; steadier than throughput when other programs share the machine):',
    `  API single, per request:   ${cpuPerOp(r.apiSingle.cpu, r.apiSingle.opsPerS)}`,
    `  raw single, per row:       ${cpuPerOp(r.rawSingle.cpu, r.rawSingle.rowsPerS)}`,
    `  API batch, per pickup:     ${cpuPerOp(r.apiBatch.cpu, r.apiBatch.rowsPerS)}`,
    `  raw batch, per row:        ${cpuPerOp(r.rawBatch.cpu, r.rawBatch.rowsPerS)}`,
    `  API import, per row:       ${cpuPerOp(r.apiImport.cpu, r.apiImport.rowsPerS)}`,
    `  raw COPY, per row:         ${cpuPerOp(r.rawImport.cpu, r.rawImport.rowsPerS)}`,
    `  progress read, per request: ${cpuPerOp(r.progress.cpu, r.progress.opsPerS)}`,
    '',
    disturbedPhases(r).length
      ? `WARNING: other programs were busy during: ${disturbedPhases(r).join(', ')}; re-run on a quiet machine before trusting these figures.\n`
      : 'No other program used more than ' + DISTURBED_CORES + ' cores during any measured phase.\n',
    'Markdown:',
    '',
    markdownTable(r),
    '',
  ];
  console.log(out.join('\n'));
}
