import { appendFileSync, readFileSync } from 'node:fs';
import { nextWrite, type ClientConfig, type ClientStats, type LogLine, type Write } from './client-plan.ts';
import { createPrng } from './prng.ts';

// One client of the fault tests, in a process of its own: it sends writes drawn from its seed
// and re-sends each one, with the same id and content, until the server acknowledges it —
// through refused connections, cut-off answers and 503s. Every write is logged before it is
// first sent ("intent") and again once acknowledged ("ack"), line by line as it happens, so
// the log is complete even if this process dies. SIGTERM: finish the write in flight, then stop.
//
//   node --import tsx tests/faults/fault-client.ts <config.json>

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8')) as ClientConfig;
const prng = createPrng(`${cfg.seed}/${cfg.clientId}`);
const stats: ClientStats = {
  writes: 0,
  acknowledged: 0,
  retries: 0,
  networkErrors: 0,
  timeouts: 0,
  statuses: {},
  unavailableWithoutRetryAfter: 0,
  slowest503Ms: 0,
  internalErrors: [],
};
let stopAt: number | null = null;
process.on('SIGTERM', () => (stopAt ??= Date.now() + cfg.finishWithinMs));

const log = (line: LogLine) => appendFileSync(cfg.logFile, `${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = ([min, max]: [number, number]) => min + Math.random() * (max - min);

type Attempt = { kind: 'ack'; status: number } | { kind: 'retry' } | { kind: 'rejected'; status: number; body: string };

function request(write: Write): { method: string; path: string; token: string; body: unknown } {
  switch (write.kind) {
    case 'pickup':
      return { method: 'POST', path: '/api/v1/pickups', token: cfg.cooperativeToken, body: write.pickup };
    case 'batch':
      return { method: 'POST', path: '/api/v1/pickups/batch', token: cfg.cooperativeToken, body: { items: write.items } };
    case 'report':
      return {
        method: 'PUT',
        path: `/api/v1/carrier-volumes/${write.carrierCode}/${write.townCode}/${write.productCode}/${write.date}`,
        token: cfg.carrierToken,
        body: { parcels: write.parcels },
      };
  }
}

async function attempt(write: Write): Promise<Attempt> {
  const r = request(write);
  const started = Date.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${cfg.base}${r.path}`, {
      method: r.method,
      headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(r.body),
      signal: AbortSignal.timeout(cfg.requestTimeoutMs),
    });
    text = await res.text();
  } catch (error) {
    // The server was killed, is restarting, or cut the answer off: the write may or may not be in.
    if ((error as Error).name === 'TimeoutError') stats.timeouts++;
    else stats.networkErrors++;
    return { kind: 'retry' };
  }
  const ok = write.kind === 'pickup' ? res.status === 201 || res.status === 200 : res.status === 200;
  if (ok && write.kind === 'batch') {
    // Every item must be either written now or already on record with the same content.
    const summary = (JSON.parse(text) as { summary: Record<string, number> }).summary;
    if (summary.conflict || summary.invalid) return { kind: 'rejected', status: res.status, body: text.slice(0, 500) };
  }
  if (ok) return { kind: 'ack', status: res.status };
  stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
  if (res.status === 503) {
    if (!res.headers.get('retry-after')) stats.unavailableWithoutRetryAfter++;
    stats.slowest503Ms = Math.max(stats.slowest503Ms, Date.now() - started);
  }
  if (res.status === 500 && stats.internalErrors.length < 5) stats.internalErrors.push(text.slice(0, 300));
  if (res.status >= 500 || res.status === 429) return { kind: 'retry' };
  return { kind: 'rejected', status: res.status, body: text.slice(0, 500) };
}

const lastReported = new Map<string, number>();
for (let op = 0; stopAt === null && (cfg.maxWrites === undefined || op < cfg.maxWrites); op++) {
  const write = nextWrite(prng, cfg, lastReported);
  stats.writes++;
  log({ t: 'intent', op, write });
  for (let attempts = 1; ; attempts++) {
    const outcome = await attempt(write);
    if (outcome.kind === 'ack') {
      stats.acknowledged++;
      log({ t: 'ack', op, status: outcome.status, attempts });
      break;
    }
    if (outcome.kind === 'rejected') {
      log({ t: 'rejected', op, status: outcome.status, body: outcome.body });
      break;
    }
    if (stopAt !== null && Date.now() > stopAt) {
      log({ t: 'abandoned', op, attempts });
      break;
    }
    stats.retries++;
    await sleep(Math.min(1000, 25 * 2 ** Math.min(attempts, 6)) * (0.5 + Math.random()));
  }
  await sleep(jitter(cfg.thinkMs));
}
log({ t: 'done', stats });
console.log(JSON.stringify({ client: cfg.clientId, ...stats }));
