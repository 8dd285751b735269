import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { cpuSecondsOf, memoryOf, startApp } from './app-process.ts';

// Issue "live tallies": 1,000 dashboards in a separate process, a steady stream of
// pickups, and the time from a write's acknowledgement to its figure on every dashboard.

export type LiveBenchResult = {
  clients: number;
  writes: number;
  writesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  missing: number;
  messagesDelivered: number;
  messagesPerWrite: number;
  serverCpuMsPerMessage: number;
  serverCpuSeconds: number;
  serverPeakRssMiB: number | null;
  everyClientEndedOnFinalFigure: boolean;
};

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** An app already running (the main bench's, holding the full season), and its administrator. */
export type LiveTarget = { baseUrl: string; pid: number; adminUsername: string; adminPassword: string };

export async function benchLive(opts: {
  adminUrl: string;
  clients?: number;
  writesPerSecond?: number;
  seconds?: number;
  target?: LiveTarget;
}): Promise<LiveBenchResult> {
  const clients = opts.clients ?? 1000;
  const rate = opts.writesPerSecond ?? 50;
  const seconds = opts.seconds ?? 20;
  const dbName = `guoyun_livebench_${randomBytes(4).toString('hex')}`;
  const admin = opts.target ? null : postgres(opts.adminUrl, { max: 1, onnotice: () => {} });
  let target = opts.target;
  let stop = async () => {};
  if (!target) {
    await admin!.unsafe(`CREATE DATABASE ${dbName}`);
    const url = new URL(opts.adminUrl);
    url.pathname = `/${dbName}`;
    const adminPassword = randomBytes(12).toString('base64url');
    const started = await startApp({ databaseUrl: url.toString(), poolMax: null, adminUsername: 'admin', adminPassword });
    target = { baseUrl: started.baseUrl, pid: started.pid, adminUsername: 'admin', adminPassword };
    stop = started.stop;
  }
  const app = target;
  try {
    const login = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: app.adminUsername, password: app.adminPassword }),
    });
    const me = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const call = async (path: string, body?: unknown) => {
      const res = await fetch(`${app.baseUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { cookie, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const projects = await call('/api/v1/projects');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const project = projects.items.find((p: any) => p.productCode === 'apple' && p.startsOn <= today && today <= p.endsOn);
    if (!project) throw new Error('no apple project running today');
    const coop = await call('/api/v1/cooperatives', { name: `直播压测合作社${randomBytes(3).toString('hex')}`, townCode: '370323103' });
    const official = await call('/api/v1/tokens', { name: 'dashboards', role: 'official' });
    const writer = await call('/api/v1/tokens', { name: 'writer', role: 'cooperative', organization: coop.id });

    const child = fork(here('./live-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const fromChild = <T>() =>
      new Promise<T>((resolve, reject) => {
        child.once('message', (m) => resolve(m as T));
        child.once('exit', (code) => reject(new Error(`dashboard process exited with ${code}`)));
      });
    const ready = fromChild<{ ready: true; baseline: number }>();
    child.send({ url: `${app.baseUrl.replace('http', 'ws')}/api/v1/live`, token: official.token, clients, projectId: project.id });
    const { baseline } = await ready;

    const cpuBefore = cpuSecondsOf(app.pid) ?? 0;
    const ackTimes: number[] = [];
    const total = rate * seconds;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      // A steady stream: each write leaves on its own schedule, whatever the others are doing.
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        fetch(`${app.baseUrl}/api/v1/pickups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: randomUUID(),
            cooperativeId: coop.id,
            townCode: '370323103',
            carrierCode: 'ems',
            productCode: 'apple',
            parcels: 1,
            pickedUpAt: new Date(Date.now() - 60_000).toISOString(),
          }),
        }).then(async (res) => {
          if (res.status !== 201) throw new Error(`write answered ${res.status}: ${await res.text()}`);
          ackTimes.push(performance.timeOrigin + performance.now());
        }),
      );
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;
    // Let the last flush reach everyone.
    await new Promise((r) => setTimeout(r, 1500));
    const cpuAfter = cpuSecondsOf(app.pid) ?? 0;
    const result = fromChild<{
      result: { p50: number; p99: number; max: number; missing: number; messagesDuringWrites: number; everyClientEndedOnFinalFigure: boolean };
    }>();
    ackTimes.sort((a, b) => a - b);
    child.send({ done: true, ackTimes, baseline });
    const r = (await result).result;
    const serverCpuSeconds = cpuAfter - cpuBefore;
    return {
      clients,
      writes: total,
      writesPerSecond: Math.round(total / elapsed),
      p50Ms: Math.round(r.p50),
      p99Ms: Math.round(r.p99),
      maxMs: Math.round(r.max),
      missing: r.missing,
      messagesDelivered: r.messagesDuringWrites,
      messagesPerWrite: Math.round(r.messagesDuringWrites / total),
      serverCpuMsPerMessage: Number(((serverCpuSeconds * 1000) / Math.max(1, r.messagesDuringWrites)).toFixed(4)),
      serverCpuSeconds: Number(serverCpuSeconds.toFixed(2)),
      serverPeakRssMiB: memoryOf(app.pid)?.peakRssMiB ?? null,
      everyClientEndedOnFinalFigure: r.everyClientEndedOnFinalFigure,
    };
  } finally {
    await stop();
    if (admin) {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchLive({ adminUrl: 'postgres://postgres@127.0.0.1:5432/postgres' });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
