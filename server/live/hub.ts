import type { WebSocket } from 'ws';
import { LiveClientMessage, type LiveServerMessage } from '../contracts/live.ts';
import type { ProgressView, ProjectView } from '../contracts/projects.ts';
import type { Ctx } from '../domain/context.ts';
import { mayTouchProject } from '../domain/ledger/counting.ts';
import { getProgress } from '../domain/projects/get-progress.ts';
import { listProjects } from '../domain/projects/list-projects.ts';
import { addDays, businessDate } from '../rules/time.ts';
import type { Bus, ChangeMessage } from './bus.ts';

export type HubOptions = {
  /** Updates for a project are merged and sent at most once per window. */
  flushMs: number;
  heartbeatMs: number;
  /** A client with more than this waiting in its socket is skipped until it drains. */
  maxBufferedBytes: number;
  /** A client stuck above the limit this long is dropped; it will reconnect and resnapshot. */
  stallTimeoutMs: number;
  /** Sockets one login (a user, or an API token) may hold at once; the next is closed at once. */
  socketsPerLogin: number;
  onError: (error: unknown) => void;
};

/** Sent when a login already holds its share of sockets: 1008 is the protocol's "policy violation". */
export const TOO_MANY_SOCKETS = { code: 1008, reason: 'too many live connections for this login' } as const;

type Client = {
  ws: WebSocket;
  subscribed: Set<string> | null;
  /** The version of each project's figures this client holds. */
  sent: Map<string, number>;
  needsSnapshot: boolean;
  alive: boolean;
  stalledSince: number | null;
};

type Latest = { version: number; previous: number; progress: ProgressView; days: Set<string> | 'all'; json: { incremental?: string; full?: string } };

// A project stays on the dashboard for a month after its period ends.
const ACTIVE_AFTER_END_DAYS = 30;

/**
 * The live dashboard hub of one process. Ledger changes (from any process, through the
 * bus) mark projects dirty; every `flushMs` each dirty project's progress is read once and
 * fanned out, so a burst of writes costs a handful of messages, and the last message
 * always carries the figures read after the last change.
 */
export class LiveHub {
  private clients = new Set<Client>();
  private socketsByLogin = new Map<string, number>();
  private projects = new Map<string, ProjectView>();
  private latest = new Map<string, Latest>();
  private dirty = new Map<string, Set<string> | 'all'>();
  private requested = new Set<string>();
  private reloadProjects = false;
  private version = 0;
  private ticking = false;
  private pausedUntil = 0;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => Promise<void>) | null = null;
  readonly stats = { messagesSent: 0, fetches: 0, notifications: 0, dropped: 0 };

  constructor(
    private ctx: Ctx,
    private bus: Bus,
    private opts: HubOptions,
  ) {}

  async start(): Promise<void> {
    await this.loadProjects();
    this.unsubscribe = await this.bus.subscribe(
      (payload) => this.onNotification(payload),
      () => this.resync(),
    );
    this.timers.push(setInterval(() => void this.tick(), this.opts.flushMs));
    this.timers.push(setInterval(() => this.heartbeat(), this.opts.heartbeatMs));
    // Projects created on a process that crashed before notifying still show up.
    this.timers.push(setInterval(() => (this.reloadProjects = true), 60_000));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.unsubscribe?.().catch(this.opts.onError);
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
    this.clients.clear();
    this.socketsByLogin.clear();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  socketsOf(login: string): number {
    return this.socketsByLogin.get(login) ?? 0;
  }

  /**
   * A new dashboard: it gets a snapshot of every active project at the next flush. Past its
   * login's share of sockets it is closed instead: one leaked token must not be able to hold
   * thousands of sockets, each costing a message at every flush.
   */
  connect(ws: WebSocket, login: string): void {
    const held = this.socketsByLogin.get(login) ?? 0;
    if (held >= this.opts.socketsPerLogin) {
      ws.close(TOO_MANY_SOCKETS.code, `${TOO_MANY_SOCKETS.reason} (at most ${this.opts.socketsPerLogin})`);
      return;
    }
    this.socketsByLogin.set(login, held + 1);
    // Counted once, whichever of close and error comes (or both).
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.socketsByLogin.get(login) ?? 1) - 1;
      if (n > 0) this.socketsByLogin.set(login, n);
      else this.socketsByLogin.delete(login);
    };
    ws.on('close', release);
    ws.on('error', release);
    const client: Client = { ws, subscribed: null, sent: new Map(), needsSnapshot: true, alive: true, stalledSince: null };
    this.clients.add(client);
    for (const id of this.followed(client)) this.requested.add(id);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    ws.on('message', (data) => {
      client.alive = true;
      let parsed;
      try {
        parsed = LiveClientMessage.safeParse(JSON.parse(String(data)));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) return this.send(client, { type: 'error', v: 1, code: 'VALIDATION', message: 'unknown or malformed message' });
      const msg = parsed.data;
      if (msg.type === 'ping') return this.send(client, { type: 'heartbeat', v: 1, at: new Date().toISOString() });
      const unknown = (msg.projectIds ?? []).filter((id) => !this.projects.has(id));
      if (unknown.length) return this.send(client, { type: 'error', v: 1, code: 'NOT_FOUND', message: `unknown project(s): ${unknown.join(', ')}` });
      client.subscribed = msg.projectIds ? new Set(msg.projectIds) : null;
      client.needsSnapshot = true;
      for (const id of this.followed(client)) this.requested.add(id);
    });
  }

  private followed(client: Client, active = this.activeProjectIds()): string[] {
    return client.subscribed ? [...client.subscribed] : active;
  }

  private activeProjectIds(): string[] {
    const since = addDays(businessDate(this.ctx.clock()), -ACTIVE_AFTER_END_DAYS);
    return [...this.projects.values()].filter((p) => p.endsOn >= since).map((p) => p.id);
  }

  /**
   * The bus lost its connection and listens again: changes notified meanwhile were missed.
   * Every project is read afresh and every dashboard starts over from a new snapshot.
   */
  resync(): void {
    this.reloadProjects = true;
    for (const id of this.projects.keys()) this.dirty.set(id, 'all');
    for (const client of this.clients) {
      client.needsSnapshot = true;
      for (const id of this.followed(client)) this.requested.add(id);
    }
  }

  private onNotification(payload: string): void {
    this.stats.notifications++;
    let msg: ChangeMessage;
    try {
      msg = JSON.parse(payload);
    } catch {
      return;
    }
    if (msg.v !== 1) return;
    if (msg.projects) this.reloadProjects = true;
    for (const [product, dates] of Object.entries(msg.cells ?? {})) {
      for (const p of this.projects.values()) {
        const inPeriod = dates.filter((d) => mayTouchProject(p, product, d));
        if (!inPeriod.length) continue;
        const current = this.dirty.get(p.id) ?? new Set<string>();
        if (current !== 'all') for (const d of inPeriod) current.add(d);
        this.dirty.set(p.id, current);
      }
    }
  }

  private async loadProjects(): Promise<void> {
    const before = new Set(this.projects.keys());
    const { items } = await listProjects({ ctx: this.ctx });
    this.projects = new Map(items.map((p) => [p.id, p]));
    for (const p of items) if (!before.has(p.id) && before.size) this.requested.add(p.id);
  }

  /** One flush: read each dirty project once, then bring every client up to date. */
  async tick(): Promise<void> {
    if (this.ticking || Date.now() < this.pausedUntil) return;
    this.ticking = true;
    let dirty = new Map<string, Set<string> | 'all'>();
    let requested = new Set<string>();
    const done = new Set<string>();
    try {
      let added: string[] = [];
      if (this.reloadProjects) {
        const before = new Set(this.projects.keys());
        await this.loadProjects();
        this.reloadProjects = false;
        added = [...this.projects.keys()].filter((id) => !before.has(id));
      }
      const ids = new Set([...this.dirty.keys(), ...this.requested]);
      dirty = this.dirty;
      requested = this.requested;
      this.dirty = new Map();
      this.requested = new Set();
      for (const id of ids) {
        if (!this.projects.has(id)) continue;
        // Versions are taken in the order reads are made, so a later version never holds older figures.
        const progress = await getProgress({ ctx: this.ctx, id });
        done.add(id);
        this.stats.fetches++;
        const prev = this.latest.get(id);
        // A read made only to answer a new dashboard usually finds nothing new: then everyone
        // else keeps the version they hold, rather than being sent the same figures again.
        if (prev && !dirty.has(id) && sameFigures(prev.progress, progress)) continue;
        this.latest.set(id, { version: ++this.version, previous: prev?.version ?? 0, progress, days: dirty.get(id) ?? 'all', json: {} });
      }
      this.deliver(ids, added);
    } catch (error) {
      // A failed read (the database restarting) must not lose the changes it was to fetch:
      // they are fetched at a later flush, once the database answers again.
      for (const [id, days] of dirty) if (!done.has(id)) this.dirty.set(id, mergeDays(this.dirty.get(id), days));
      for (const id of requested) if (!done.has(id)) this.requested.add(id);
      this.opts.onError(error);
      // Not every 100 ms while the database is down: one attempt (and one log line) a second.
      this.pausedUntil = Date.now() + 1000;
    } finally {
      this.ticking = false;
    }
  }

  private deliver(fetched: Set<string>, added: string[]): void {
    const now = Date.now();
    const at = new Date().toISOString();
    const active = this.activeProjectIds();
    for (const client of this.clients) {
      if (client.ws.bufferedAmount > this.opts.maxBufferedBytes) {
        // A slow reader is skipped, never waited for; it gets full figures once it drains.
        client.stalledSince ??= now;
        this.stats.dropped++;
        if (now - client.stalledSince > this.opts.stallTimeoutMs) client.ws.terminate();
        continue;
      }
      client.stalledSince = null;
      const follows = this.followed(client, active);
      if (client.needsSnapshot) {
        const projects = follows
          .map((id) => ({ project: this.projects.get(id)!, latest: this.latest.get(id) }))
          .filter((p) => p.project && p.latest)
          .map((p) => ({ project: p.project, version: p.latest!.version, progress: p.latest!.progress }));
        // Wait for the reads this client asked for before answering it.
        if (projects.length < follows.length) {
          for (const id of follows) if (!this.latest.has(id)) this.requested.add(id);
          continue;
        }
        this.send(client, { type: 'snapshot', v: 1, at, projects });
        for (const p of projects) client.sent.set(p.project.id, p.version);
        client.needsSnapshot = false;
        continue;
      }
      for (const id of follows) {
        const latest = this.latest.get(id);
        if (!latest) continue;
        const held = client.sent.get(id) ?? 0;
        if (held >= latest.version) continue;
        if (added.includes(id) && client.subscribed === null && held === 0) {
          this.sendRaw(
            client,
            JSON.stringify({
              type: 'project',
              v: 1,
              at,
              project: { project: this.projects.get(id)!, version: latest.version, progress: latest.progress },
            } satisfies LiveServerMessage),
          );
        } else {
          this.sendRaw(client, this.progressJson(id, latest, held === latest.previous && fetched.has(id), at));
        }
        client.sent.set(id, latest.version);
      }
    }
  }

  /** The update for a project, serialised once per flush and shared by every client. */
  private progressJson(id: string, latest: Latest, incremental: boolean, at: string): string {
    const key = incremental && latest.days !== 'all' ? 'incremental' : 'full';
    const cached = latest.json[key];
    if (cached) return cached;
    const { daily, ...summary } = latest.progress;
    const days = key === 'incremental' ? daily.filter((d) => (latest.days as Set<string>).has(d.date)) : daily;
    const message: LiveServerMessage = {
      type: 'progress',
      v: 1,
      at,
      projectId: id,
      version: latest.version,
      progress: summary,
      days: days.map((d) => ({ date: d.date, counted: d.counted })),
    };
    return (latest.json[key] = JSON.stringify(message));
  }

  private heartbeat(): void {
    const msg = JSON.stringify({ type: 'heartbeat', v: 1, at: new Date().toISOString() } satisfies LiveServerMessage);
    for (const client of this.clients) {
      // No pong since the last ping: the peer is gone (a phone that lost signal, a closed lid).
      if (!client.alive) {
        client.ws.terminate();
        this.clients.delete(client);
        continue;
      }
      client.alive = false;
      client.ws.ping();
      this.sendRaw(client, msg);
    }
  }

  private send(client: Client, message: LiveServerMessage): void {
    this.sendRaw(client, JSON.stringify(message));
  }

  private sendRaw(client: Client, json: string): void {
    if (client.ws.readyState !== 1) return;
    client.ws.send(json);
    this.stats.messagesSent++;
  }
}

function mergeDays(current: Set<string> | 'all' | undefined, days: Set<string> | 'all'): Set<string> | 'all' {
  if (current === 'all' || days === 'all') return 'all';
  return new Set([...(current ?? []), ...days]);
}

function sameFigures(a: ProgressView, b: ProgressView): boolean {
  const { asOf: _a, ...restA } = a;
  const { asOf: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}
