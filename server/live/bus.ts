import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.ts';

export const LIVE_CHANNEL = 'guoyun_live';

/** PostgreSQL LISTEN/NOTIFY, the only broker between processes, on either driver. */
export type Bus = {
  publish(payload: string): Promise<void>;
  /**
   * `onResync` runs each time the listening connection is back after being lost (a database
   * restart, a killed backend): whatever was notified meanwhile never arrived.
   */
  subscribe(onMessage: (payload: string) => void, onResync?: () => void): Promise<() => Promise<void>>;
};

export function createBus(handle: DbHandle): Bus {
  return {
    async publish(payload) {
      await handle.db.execute(sql`SELECT pg_notify(${LIVE_CHANNEL}, ${payload})`);
    },
    async subscribe(onMessage, onResync) {
      if (handle.driver.kind === 'postgres') {
        // postgres.js keeps a dedicated connection for LISTEN; when it closes, it reconnects
        // (retrying while the server is down) and listens again, calling `onlisten` each time.
        let listens = 0;
        const { unlisten } = await handle.driver.client.listen(LIVE_CHANNEL, onMessage, () => {
          if (++listens > 1) onResync?.();
        });
        return unlisten;
      }
      // PGlite runs inside this process: its connection cannot be lost.
      const pg = handle.driver.client;
      const unlisten = await pg.listen(LIVE_CHANNEL, onMessage);
      return async () => {
        if (!pg.closed) await unlisten();
      };
    },
  };
}

// NOTIFY payloads must stay under 8000 bytes.
export const MAX_PAYLOAD = 7000;

export type ChangeMessage = { v: 1; cells?: Record<string, string[]>; projects?: true };

/**
 * Gathers the changes of one process for a few milliseconds and publishes them as one
 * NOTIFY. Notifying inside each write transaction would serialise commits on the
 * notification queue lock; one message per window keeps the hot path free of it.
 */
export class ChangePublisher {
  private cells = new Map<string, Set<string>>();
  private projects = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private bus: Bus,
    private windowMs: number,
    private onError: (error: unknown) => void,
  ) {}

  cellsChanged(productCode: string, dates: Iterable<string>): void {
    const set = this.cells.get(productCode) ?? new Set<string>();
    for (const d of dates) set.add(d);
    this.cells.set(productCode, set);
    this.schedule();
  }

  projectsChanged(): void {
    this.projects = true;
    this.schedule();
  }

  private schedule() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => void this.flush(), this.windowMs);
  }

  async flush(): Promise<void> {
    this.timer = null;
    const messages = splitChanges(this.cells, this.projects);
    this.cells = new Map();
    this.projects = false;
    for (const m of messages) await this.bus.publish(JSON.stringify(m)).catch(this.onError);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.flush();
  }
}

/** Splits a set of changes into messages that each fit a NOTIFY payload. */
export function splitChanges(cells: Map<string, Set<string>>, projects: boolean): ChangeMessage[] {
  const out: ChangeMessage[] = [];
  let current: ChangeMessage = { v: 1 };
  let size = 20;
  for (const [product, dates] of cells) {
    for (const date of [...dates].sort()) {
      if (size + 16 + product.length > MAX_PAYLOAD) {
        out.push(current);
        current = { v: 1 };
        size = 20;
      }
      current.cells ??= {};
      (current.cells[product] ??= []).push(date);
      size += 16 + (current.cells[product].length === 1 ? product.length + 6 : 0);
    }
  }
  if (projects) current.projects = true;
  if (current.cells || current.projects) out.push(current);
  return out;
}
