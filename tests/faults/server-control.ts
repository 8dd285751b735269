import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { exited, runScript, waitForHealth } from '../helpers/processes.ts';

const run = promisify(execFile);

/**
 * The real server (`server/main.ts`) in a child process, always on the same port so clients
 * can keep their address across restarts: started, SIGKILLed, started again.
 */
export class ServerUnderTest {
  child: ReturnType<typeof runScript> | null = null;
  starts = 0;
  kills = 0;
  /** The tail of each finished process's output, for a failure message. */
  readonly pastOutput: string[] = [];

  constructor(
    private env: Record<string, string>,
    readonly port: number,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    if (this.child) throw new Error('the server is already running');
    this.child = runScript('server/main.ts', { ...this.env, PORT: String(this.port), HOST: '127.0.0.1' });
    this.starts++;
    try {
      await waitForHealth(this.base, this.child, timeoutMs);
    } catch (error) {
      this.child.kill('SIGKILL');
      this.retire();
      throw error;
    }
  }

  /** No shutdown, no flush: as a power cut or the OOM killer would stop it. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    this.kills++;
    this.retire();
  }

  /** A clean stop; resolves to the exit code (0 expected). */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child) return 0;
    child.kill('SIGTERM');
    const code = await exited(child);
    this.retire();
    return code;
  }

  private retire() {
    if (this.child) this.pastOutput.push(this.child.output().slice(-3000));
    this.child = null;
  }
}

export type Cluster = { version: string; name: string; port: number };

/**
 * The local PostgreSQL cluster (Debian's postgresql-common) that a URL points at, found by
 * its port, so the fault test restarts the server the tests use and nothing else.
 */
export async function findCluster(databaseUrl: string): Promise<Cluster> {
  const url = new URL(databaseUrl);
  const port = Number(url.port || 5432);
  if (!['127.0.0.1', 'localhost', '[::1]', ''].includes(url.hostname))
    throw new Error(`DATABASE_URL points at ${url.hostname}: the fault test restarts PostgreSQL, so it needs a local cluster`);
  let listing: string;
  try {
    listing = (await run('pg_lsclusters', ['--no-header'])).stdout;
  } catch (error) {
    throw new Error(`pg_lsclusters failed (postgresql-common is needed to restart PostgreSQL): ${(error as Error).message}`, { cause: error });
  }
  for (const line of listing.split('\n')) {
    const [version, name, p] = line.trim().split(/\s+/);
    if (Number(p) === port) return { version, name, port };
  }
  throw new Error(`no local PostgreSQL cluster listens on port ${port}:\n${listing}`);
}

/** `pg_ctlcluster <version> <name> <action>` (needs root or the postgres user). */
export async function pgCtl(cluster: Cluster, action: 'start' | 'stop' | 'restart'): Promise<void> {
  // Fast mode (pg_ctlcluster's default, spelled out): open sessions are ended with 57P01 and
  // their transactions rolled back, rather than waited for.
  await run('pg_ctlcluster', ['--mode', 'fast', cluster.version, cluster.name, action], { timeout: 60_000 });
}

export async function isReady(cluster: Cluster): Promise<boolean> {
  try {
    await run('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(cluster.port)], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Starts the cluster if it is down and waits until it accepts connections. */
export async function ensureUp(cluster: Cluster, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (!(await isReady(cluster))) await pgCtl(cluster, 'start').catch(() => {});
  while (!(await isReady(cluster))) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL ${cluster.version}/${cluster.name} did not come back`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
