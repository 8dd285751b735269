import { deliverOne, deliverPickups, type Delivery, type RetryReason } from './deliver.ts';
import type { OutboxStore } from './outbox-store.ts';
import type { OutboxBodies, OutboxKind, OutboxRecord } from './outbox-types.ts';

/**
 * What the server says about the session before a round of sending:
 * ok (and the CSRF token refreshed), unreachable, unauthorized (log in again), or
 * other-account (this page was opened for another account than the one now logged in).
 */
export type SessionCheck = 'ok' | 'unreachable' | 'unauthorized' | 'other-account';

export type OutboxOptions = {
  /** The account whose records this outbox shows and sends (MeView.id). */
  owner: string;
  store: OutboxStore;
  checkSession: () => Promise<SessionCheck>;
  /** Told after each round that got records accepted (to refresh stock figures, say). */
  onSent?: (records: OutboxRecord[]) => void;
  random?: () => number;
};

// Retries after a failed round: 5 s, 10 s, 20 s … up to 5 min, ±20 % so that phones
// coming back together do not all knock at once.
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;
// Sent records stay listed a while as a receipt, then go.
const KEEP_SENT_MS = 3 * 24 * 3600_000;
const KEEP_SENT_MAX = 100;
const LOCK = 'guoyun-outbox';
const CHANNEL = 'guoyun-outbox';

export function retryDelay(failures: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, failures - 1), RETRY_MAX_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

const newestFirst = (a: OutboxRecord, b: OutboxRecord) => b.queuedAt.localeCompare(a.queuedAt) || (a.position ?? 0) - (b.position ?? 0);
const oldestFirst = (a: OutboxRecord, b: OutboxRecord) => a.queuedAt.localeCompare(b.queuedAt) || (a.position ?? 0) - (b.position ?? 0);

/**
 * The offline queue of ledger writes. Every record is written to the store as pending before
 * anything is sent, and sent with its client id until the server answers: on start, when the
 * browser comes online, when the page becomes visible again, after each new record, and on a
 * backing-off timer. A 4xx answer marks it rejected with the reason, for the user to see;
 * network failures, 5xx and an ended session keep it pending. Tabs take turns (Web Locks) and
 * tell each other about changes (BroadcastChannel), so two open tabs never race on a record.
 */
export class Outbox {
  /** This account's records, newest first. */
  records = $state.raw<OutboxRecord[]>([]);
  /** The browser's idea of the connection; an answer from the server also counts as online. */
  online = $state(true);
  sending = $state(false);
  /** The session ended (401): records wait until the user logs in again. */
  needsLogin = $state(false);
  /** Another account is logged in now than the one this page was opened for. */
  otherAccount = $state(false);
  /** When the next automatic try is due (ms since the epoch), after a failed round. */
  retryAt = $state<number | null>(null);
  lastFailure = $state<RetryReason | null>(null);
  /** False when records live in memory only (no IndexedDB): the page warns. */
  durable = $state(true);
  ready = $state(false);

  pending = $derived(this.records.filter((r) => r.status === 'pending'));
  rejected = $derived(this.records.filter((r) => r.status === 'rejected'));
  sent = $derived(this.records.filter((r) => r.status === 'sent'));

  #opts: OutboxOptions;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #channel: BroadcastChannel | null = null;
  #cleanup: (() => void)[] = [];

  constructor(opts: OutboxOptions) {
    this.#opts = opts;
    this.durable = opts.store.durable;
  }

  /** Loads the queue and starts sending; returns the function that stops it. */
  async start(): Promise<() => void> {
    this.online = navigator.onLine;
    const listen = <K extends keyof WindowEventMap>(type: K, fn: (e: WindowEventMap[K]) => void) => {
      window.addEventListener(type, fn);
      this.#cleanup.push(() => window.removeEventListener(type, fn));
    };
    listen('online', () => {
      this.online = true;
      // The connection is back: try now rather than wait out the backoff.
      this.#failures = 0;
      void this.flush();
    });
    listen('offline', () => (this.online = false));
    const onVisible = () => {
      if (document.visibilityState === 'visible' && this.pending.length) void this.flush();
    };
    document.addEventListener('visibilitychange', onVisible);
    this.#cleanup.push(() => document.removeEventListener('visibilitychange', onVisible));
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(CHANNEL);
      this.#channel.onmessage = () => void this.#reload();
    }
    await this.#reload();
    await this.#prune();
    this.ready = true;
    void this.flush();
    return () => this.stop();
  }

  stop(): void {
    this.#clearTimer();
    for (const fn of this.#cleanup.splice(0)) fn();
    this.#channel?.close();
    this.#channel = null;
  }

  /**
   * Saves records as pending (all or none), then starts sending them. Resolves once they are
   * saved on this device, not when they are sent.
   */
  async enqueue<K extends OutboxKind>(kind: K, bodies: OutboxBodies[K][]): Promise<OutboxRecord[]> {
    const queuedAt = new Date().toISOString();
    // An id already saved is not saved again: a double submit must not replace what may
    // already be on its way with other content.
    const known = new Set(this.records.map((r) => r.id));
    const records = bodies
      .filter((body) => !known.has(body.id))
      .map(
        (body, position) =>
          ({
            id: body.id,
            kind,
            body,
            owner: this.#opts.owner,
            status: 'pending',
            queuedAt,
            position,
            attempts: 0,
            lastAttemptAt: null,
            sentAt: null,
            duplicate: false,
            rejection: null,
          }) as OutboxRecord,
      );
    await this.#opts.store.put(...records);
    this.records = [...records, ...this.records].sort(newestFirst);
    this.#announce();
    void this.flush();
    const byId = new Map(this.records.map((r) => [r.id, r]));
    return bodies.map((body) => byId.get(body.id)!);
  }

  /** Forgets a rejected or sent record (a pending one is never dropped this way). */
  async dismiss(id: string): Promise<void> {
    const record = this.records.find((r) => r.id === id);
    if (!record || record.status === 'pending') return;
    await this.#opts.store.delete(id);
    this.records = this.records.filter((r) => r.id !== id);
    this.#announce();
  }

  async clearSent(): Promise<void> {
    const ids = this.sent.map((r) => r.id);
    await this.#opts.store.delete(...ids);
    this.records = this.records.filter((r) => !ids.includes(r.id));
    this.#announce();
  }

  /** "Send now": skips the wait of the backoff. */
  retryNow(): Promise<void> {
    this.#failures = 0;
    return this.flush();
  }

  /** One round of sending; a call during a round asks for another one after it. */
  flush(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#withLock(() => this.#round()).finally(() => {
      this.#running = null;
      this.sending = false;
      if (this.#again) {
        this.#again = false;
        void this.flush();
      }
    });
    return this.#running;
  }

  async #round(): Promise<void> {
    this.#clearTimer();
    // Another tab may have sent (or rejected) some of them meanwhile.
    await this.#reload();
    const pending = [...this.pending].sort(oldestFirst);
    if (!pending.length) {
      this.#succeeded();
      return;
    }
    if (!navigator.onLine) {
      this.online = false;
      // The online event will come; the timer is a fallback for browsers that miss it.
      return this.#failed('network');
    }
    this.sending = true;
    const session = await this.#opts.checkSession();
    if (session === 'unreachable') return this.#failed('network');
    if (session === 'unauthorized') {
      this.needsLogin = true;
      return this.#failed('unauthorized');
    }
    if (session === 'other-account') {
      // Sending them under someone else's session would put them on the wrong books.
      this.otherAccount = true;
      this.retryAt = null;
      return;
    }
    this.online = true;
    this.needsLogin = false;
    this.otherAccount = false;

    const accepted: OutboxRecord[] = [];
    const apply = async (deliveries: Delivery[]): Promise<RetryReason | null> => {
      const now = new Date().toISOString();
      const changed: OutboxRecord[] = [];
      let retry: RetryReason | null = null;
      for (const d of deliveries) {
        const record = this.records.find((r) => r.id === d.id);
        if (!record) continue;
        const next: OutboxRecord = { ...record, attempts: record.attempts + 1, lastAttemptAt: now };
        if (d.outcome === 'sent') Object.assign(next, { status: 'sent', sentAt: now, duplicate: d.duplicate, rejection: null });
        else if (d.outcome === 'rejected') Object.assign(next, { status: 'rejected', rejection: d.rejection });
        else retry ??= d.reason;
        changed.push(next);
        if (next.status === 'sent') accepted.push(next);
      }
      await this.#opts.store.put(...changed);
      const byId = new Map(changed.map((r) => [r.id, r]));
      this.records = this.records.map((r) => byId.get(r.id) ?? r);
      return retry;
    };

    let retry: RetryReason | null = null;
    const pickups = pending.filter((r): r is Extract<OutboxRecord, { kind: 'pickup' }> => r.kind === 'pickup');
    if (pickups.length) retry = await apply(await deliverPickups(pickups));
    if (!retry) {
      // One by one, in the order entered: a movement out may depend on the one in before it.
      for (const record of pending) {
        if (record.kind === 'pickup') continue;
        retry = await apply([await deliverOne(record)]);
        if (retry) break;
      }
    }
    if (accepted.length) {
      this.#announce();
      this.#opts.onSent?.(accepted);
    }
    if (retry) {
      if (retry === 'unauthorized') this.needsLogin = true;
      return this.#failed(retry);
    }
    this.#succeeded();
    // Records added while this round ran are picked up by the next (#again).
  }

  #succeeded(): void {
    this.#failures = 0;
    this.retryAt = null;
    this.lastFailure = null;
  }

  #failed(reason: RetryReason): void {
    this.#failures++;
    this.lastFailure = reason;
    const delay = retryDelay(this.#failures, this.#opts.random);
    this.retryAt = Date.now() + delay;
    this.#clearTimer();
    this.#timer = setTimeout(() => void this.flush(), delay);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.retryAt = null;
  }

  async #reload(): Promise<void> {
    const all = await this.#opts.store.all();
    this.records = all.filter((r) => r.owner === this.#opts.owner).sort(newestFirst);
  }

  async #prune(): Promise<void> {
    const cutoff = new Date(Date.now() - KEEP_SENT_MS).toISOString();
    const sent = this.sent;
    const old = sent.filter((r, i) => i >= KEEP_SENT_MAX || (r.sentAt ?? r.queuedAt) < cutoff).map((r) => r.id);
    if (!old.length) return;
    await this.#opts.store.delete(...old);
    this.records = this.records.filter((r) => !old.includes(r.id));
  }

  #announce(): void {
    this.#channel?.postMessage('changed');
  }

  async #withLock(fn: () => Promise<void>): Promise<void> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return fn();
    await locks.request(LOCK, fn);
  }
}
