import { readFileSync } from 'node:fs';
import type { Prng } from './prng.ts';

// What a fault-test client sends and what it writes down. Shared by the client process
// (tests/faults/fault-client.ts), which logs, and the checks (ledger-check.ts), which read the log.

export const PRODUCT = 'apple';

export type ClientConfig = {
  clientId: string;
  /** The run's seed; the client draws its writes from `${seed}/${clientId}`. */
  seed: string;
  base: string;
  cooperativeToken: string;
  cooperativeId: string;
  /** The cooperative's town: its pickups are logged there. */
  townCode: string;
  /** Carriers the cooperative hands parcels to. */
  pickupCarriers: string[];
  /** The carrier this client reports for (its token's carrier), in these towns. */
  carrierToken: string;
  reportCarrier: string;
  reportTowns: string[];
  /** Business dates (Asia/Shanghai) written into; all before today, so nothing is in the future. */
  dates: string[];
  logFile: string;
  /** Pause between writes, ms. */
  thinkMs: [number, number];
  requestTimeoutMs: number;
  /** After SIGTERM, how long the write in flight may still be retried before it is abandoned. */
  finishWithinMs: number;
  maxBatch: number;
  /** Stop by itself after this many writes (default: only on SIGTERM). */
  maxWrites?: number;
};

export type PickupBody = {
  id: string;
  cooperativeId: string;
  townCode: string;
  carrierCode: string;
  productCode: string;
  parcels: number;
  pickedUpAt: string;
};

export type Write =
  | { kind: 'pickup'; pickup: PickupBody }
  | { kind: 'batch'; items: PickupBody[] }
  | { kind: 'report'; carrierCode: string; townCode: string; productCode: string; date: string; parcels: number };

export type ClientStats = {
  writes: number;
  acknowledged: number;
  retries: number;
  networkErrors: number;
  timeouts: number;
  /** Answers by status code, for every attempt that was not a success. */
  statuses: Record<string, number>;
  /** 503 answers that came without a Retry-After header. */
  unavailableWithoutRetryAfter: number;
  /** The longest a 503 took to come back, ms. */
  slowest503Ms: number;
  /** A few bodies of 500 answers (there should be none). */
  internalErrors: string[];
};

export type LogLine =
  | { t: 'intent'; op: number; write: Write }
  | { t: 'ack'; op: number; status: number; attempts: number }
  | { t: 'rejected'; op: number; status: number; body: string }
  | { t: 'abandoned'; op: number; attempts: number }
  | { t: 'done'; stats: ClientStats };

/** The pickups of a write, if any. */
export function pickupsOf(write: Write): PickupBody[] {
  return write.kind === 'pickup' ? [write.pickup] : write.kind === 'batch' ? write.items : [];
}

export const cellKey = (c: { date: string; townCode: string; carrierCode: string }) => `${c.date}|${c.townCode}|${c.carrierCode}`;

/** The business date (Asia/Shanghai, UTC+8 all year) of an instant: worked out here independently of the server. */
export function shanghaiDate(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 10);
}

function pickupOn(prng: Prng, cfg: ClientConfig): PickupBody {
  const date = prng.pick(cfg.dates);
  const at = Date.parse(`${date}T00:00:00+08:00`) + prng.int(0, 86_399) * 1000;
  return {
    id: prng.uuid(),
    cooperativeId: cfg.cooperativeId,
    townCode: cfg.townCode,
    carrierCode: prng.pick(cfg.pickupCarriers),
    productCode: PRODUCT,
    parcels: prng.int(1, 300),
    pickedUpAt: new Date(at).toISOString(),
  };
}

/**
 * The client's next write, drawn from its own stream: a single pickup, a batch, or a carrier
 * figure. Carrier figures are cumulative, so each one for a cell is above the last one sent.
 */
export function nextWrite(prng: Prng, cfg: ClientConfig, lastReported: Map<string, number>): Write {
  const roll = prng.next();
  if (roll < 0.5) return { kind: 'pickup', pickup: pickupOn(prng, cfg) };
  if (roll < 0.75) return { kind: 'batch', items: Array.from({ length: prng.int(2, cfg.maxBatch) }, () => pickupOn(prng, cfg)) };
  const cell = { carrierCode: cfg.reportCarrier, townCode: prng.pick(cfg.reportTowns), date: prng.pick(cfg.dates) };
  const parcels = (lastReported.get(cellKey(cell)) ?? 0) + prng.int(1, 400);
  lastReported.set(cellKey(cell), parcels);
  return { kind: 'report', ...cell, productCode: PRODUCT, parcels };
}

export type ClientLog = {
  file: string;
  intents: Map<number, Write>;
  acked: Set<number>;
  rejected: Extract<LogLine, { t: 'rejected' }>[];
  abandoned: number[];
  stats: ClientStats | null;
};

export function readClientLog(file: string): ClientLog {
  const log: ClientLog = { file, intents: new Map(), acked: new Set(), rejected: [], abandoned: [], stats: null };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as LogLine;
    if (entry.t === 'intent') log.intents.set(entry.op, entry.write);
    else if (entry.t === 'ack') log.acked.add(entry.op);
    else if (entry.t === 'rejected') log.rejected.push(entry);
    else if (entry.t === 'abandoned') log.abandoned.push(entry.op);
    else if (entry.t === 'done') log.stats = entry.stats;
  }
  return log;
}
