import autocannon from 'autocannon';
import { cpuSecondsOf, machineBusyTicks, postgresTicks, TICKS_PER_S } from './app-process.ts';

export type Latency = { p50: number; p90: number; p99: number; max: number; mean: number };

/** Nearest-rank percentiles of latencies in milliseconds. */
export function latencyOf(samples: number[]): Latency {
  if (!samples.length) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  let sum = 0;
  for (const v of s) sum += v;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1], mean: sum / s.length };
}

/**
 * CPU cores each party kept busy during a phase (1.0 = one core fully busy). `other` is
 * everything else on the machine (other programs): when it is not near 0 the phase was disturbed.
 */
export type CpuShare = { app: number | null; postgres: number; loadGenerator: number; other: number };

export type PhaseResult = {
  /** Completed operations (2xx responses or statements) per second. */
  opsPerS: number;
  /** Rows written per second (ops × rows per op); for reads, equal to opsPerS. */
  rowsPerS: number;
  ops: number;
  seconds: number;
  latency: Latency;
  non2xx: number;
  errors: number;
  timeouts: number;
  cpu: CpuShare;
  /** First few non-2xx bodies or errors, to say why. */
  failures: string[];
};

/** One measured stretch, with its latency samples kept so that stretches can be merged. */
export type Segment = PhaseResult & { samples: number[]; rowsPerOp: number };

export type CpuContext = {
  appPid: number | null;
  /** Pids of the PostgreSQL processes working for the bench: its database's backends and the server's background processes. */
  postgresPids: () => Promise<Set<number>>;
};

/** Measures CPU used by the app, PostgreSQL, this process and everything else around `fn`. */
export async function withCpu<T>(ctx: CpuContext, fn: () => Promise<T>): Promise<{ value: T; cpu: CpuShare; seconds: number }> {
  const pidsBefore = await ctx.postgresPids();
  const appBefore = ctx.appPid ? cpuSecondsOf(ctx.appPid) : null;
  const pgBefore = postgresTicks();
  const machineBefore = machineBusyTicks();
  const selfBefore = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(selfBefore);
  const machine = machineBusyTicks() - machineBefore;
  const pgAfter = postgresTicks();
  const appAfter = ctx.appPid ? cpuSecondsOf(ctx.appPid) : null;
  const ours = new Set([...pidsBefore, ...(await ctx.postgresPids())]);
  let pgTicks = 0;
  for (const [pid, t] of pgAfter) if (ours.has(pid)) pgTicks += t - (pgBefore.get(pid) ?? 0);
  const app = appBefore !== null && appAfter !== null ? (appAfter - appBefore) / seconds : null;
  const postgres = pgTicks / TICKS_PER_S / seconds;
  const loadGenerator = (self.user + self.system) / 1e6 / seconds;
  const busy = machine / TICKS_PER_S / seconds;
  return { value, seconds, cpu: { app, postgres, loadGenerator, other: Math.max(0, busy - (app ?? 0) - postgres - loadGenerator) } };
}

export type HttpLoad = {
  baseUrl: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  durationS: number;
  /** Builds each request's JSON body (called once per request); omit for GET. */
  body?: () => unknown;
  rowsPerRequest?: number;
  /** Sent with every request (credentials). */
  headers?: Record<string, string>;
  cpu: CpuContext;
};

/** Runs autocannon in this process; latencies are taken from its per-response events at full resolution. */
export async function httpLoad(load: HttpLoad): Promise<Segment> {
  const failures: string[] = [];
  const samples: number[] = [];
  const request: autocannon.Request = {
    method: load.method,
    path: load.path,
    headers: { ...load.headers, ...(load.body ? { 'content-type': 'application/json' } : {}) },
    onResponse: (status, body) => {
      if ((status < 200 || status >= 300) && failures.length < 5) failures.push(`${status} ${body.slice(0, 500)}`);
    },
  };
  if (load.body) {
    const make = load.body;
    request.setupRequest = (req) => ({ ...req, body: JSON.stringify(make()) });
  }
  const {
    value: result,
    cpu,
    seconds,
  } = await withCpu(load.cpu, async () => {
    const instance = autocannon({
      url: load.baseUrl,
      connections: load.connections,
      duration: load.durationS,
      timeout: 60,
      requests: [request],
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (status >= 200 && status < 300) samples.push(responseTime);
    });
    return await instance;
  });
  const ok = result['2xx'];
  const rowsPerOp = load.rowsPerRequest ?? 1;
  return {
    opsPerS: ok / seconds,
    rowsPerS: (ok * rowsPerOp) / seconds,
    ops: ok,
    seconds,
    latency: latencyOf(samples),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu,
    failures,
    samples,
    rowsPerOp,
  };
}

/**
 * `workers` concurrent loops, each awaiting one operation at a time, for `durationS` seconds:
 * the same closed-loop shape as autocannon's connections.
 */
export async function closedLoop({
  workers,
  durationS,
  rowsPerOp,
  op,
  cpu: cpuContext,
}: {
  workers: number;
  durationS: number;
  rowsPerOp: number;
  op: () => Promise<unknown>;
  cpu: CpuContext;
}): Promise<Segment> {
  const samples: number[] = [];
  let errors = 0;
  const failures: string[] = [];
  const { cpu, seconds } = await withCpu(cpuContext, async () => {
    const deadline = performance.now() + durationS * 1000;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          try {
            await op();
            samples.push(performance.now() - t0);
          } catch (error) {
            errors++;
            if (failures.length < 5) failures.push(String(error));
          }
        }
      }),
    );
  });
  return {
    opsPerS: samples.length / seconds,
    rowsPerS: (samples.length * rowsPerOp) / seconds,
    ops: samples.length,
    seconds,
    latency: latencyOf(samples),
    non2xx: 0,
    errors,
    timeouts: 0,
    cpu,
    failures,
    samples,
    rowsPerOp,
  };
}

/** Several stretches of the same load as one result (time-weighted CPU, pooled latencies). */
export function merge(segments: Segment[]): PhaseResult {
  const seconds = segments.reduce((a, s) => a + s.seconds, 0);
  const ops = segments.reduce((a, s) => a + s.ops, 0);
  const rows = segments.reduce((a, s) => a + s.ops * s.rowsPerOp, 0);
  const w = (f: (c: CpuShare) => number | null) => {
    let sum = 0;
    for (const s of segments) {
      const v = f(s.cpu);
      if (v === null) return null;
      sum += v * s.seconds;
    }
    return sum / seconds;
  };
  return {
    opsPerS: ops / seconds,
    rowsPerS: rows / seconds,
    ops,
    seconds,
    latency: latencyOf(segments.flatMap((s) => s.samples)),
    non2xx: segments.reduce((a, s) => a + s.non2xx, 0),
    errors: segments.reduce((a, s) => a + s.errors, 0),
    timeouts: segments.reduce((a, s) => a + s.timeouts, 0),
    cpu: { app: w((c) => c.app), postgres: w((c) => c.postgres)!, loadGenerator: w((c) => c.loadGenerator)!, other: w((c) => c.other)! },
    failures: segments.flatMap((s) => s.failures).slice(0, 5),
  };
}

/** One operation of `rows` rows, timed, with the CPU each party used: a stretch of its own. */
export async function timedOnce(cpuContext: CpuContext, rows: number, op: () => Promise<unknown>): Promise<Segment> {
  let errors = 0;
  const failures: string[] = [];
  const { cpu, seconds } = await withCpu(cpuContext, async () => {
    try {
      await op();
    } catch (error) {
      errors++;
      failures.push(String(error));
    }
  });
  const ok = errors === 0 ? 1 : 0;
  const ms = seconds * 1000;
  return {
    opsPerS: ok / seconds,
    rowsPerS: (ok * rows) / seconds,
    ops: ok,
    seconds,
    latency: latencyOf(ok ? [ms] : []),
    non2xx: errors,
    errors,
    timeouts: 0,
    cpu,
    failures,
    samples: ok ? [ms] : [],
    rowsPerOp: rows,
  };
}
