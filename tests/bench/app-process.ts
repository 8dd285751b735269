import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export type AppProcess = {
  pid: number;
  baseUrl: string;
  startupMs: number;
  /** Recent stderr/stdout lines, for diagnosing a failed run. */
  output: () => string;
  stop: () => Promise<void>;
};

/** Starts `node --import tsx server/main.ts` as a child and waits until /api/v1/health answers 200. */
export async function startApp({
  databaseUrl,
  poolMax,
  adminUsername,
  adminPassword,
}: {
  databaseUrl: string;
  poolMax: string | null;
  /** For an app with accounts: the administrator it creates at its first start (ignored by an app without). */
  adminUsername: string;
  adminPassword: string;
}): Promise<AppProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: '',
    ADMIN_USERNAME: adminUsername,
    ADMIN_PASSWORD: adminPassword,
  };
  delete env.DEMO;
  delete env.DATABASE_POOL_MAX;
  if (poolMax) env.DATABASE_POOL_MAX = poolMax;
  // tsx's own loader hooks may be in NODE_OPTIONS when the bench runs under tsx; the child registers its own.
  delete env.NODE_OPTIONS;

  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: { code: number | null; signal: string | null } | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
    await exitPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`app exited during startup (${JSON.stringify(exited)}):\n${lines.join('\n')}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`app did not become healthy within 90 s:\n${lines.join('\n')}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { pid: child.pid!, baseUrl, startupMs: performance.now() - started, output: () => lines.join('\n'), stop };
}

/** VmHWM (peak resident set) and VmRSS of a process, in MiB; null where /proc is not available. */
export function memoryOf(pid: number): { peakRssMiB: number; rssMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakRssMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel config.
export const TICKS_PER_S = 100;

function cpuTicksOf(pid: number | string): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** CPU seconds used so far by one process. */
export function cpuSecondsOf(pid: number): number | null {
  const t = cpuTicksOf(pid);
  return t ? t.ticks / TICKS_PER_S : null;
}

/** CPU ticks of every running `postgres` process (server and backends), by pid. */
export function postgresTicks(): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const t = cpuTicksOf(e);
    if (t && t.comm === 'postgres') out.set(Number(e), t.ticks);
  }
  return out;
}

/** Busy CPU ticks of the whole machine so far (all cores; everything but idle and iowait). */
export function machineBusyTicks(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return user + nice + system + irq + softirq + (steal || 0);
  } catch {
    return 0;
  }
}
