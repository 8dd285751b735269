import { LiveServerMessage, applyProgressUpdate } from '$contracts/live.ts';
import type { ProgressView, ProjectView } from '$contracts/projects.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';
export type LiveProject = { project: ProjectView; version: number; progress: ProgressView };

export type LiveOptions = {
  /** Defaults to this origin's /api/v1/live (the session cookie authenticates the upgrade). */
  url?: string;
  /** First retry after about this long, doubling each failed attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The server sends a heartbeat every 15 s; this long without any message means the link is dead. */
  silenceMs?: number;
  /** Called after repeated refused upgrades: the page checks whether the session is still valid. */
  onRepeatedFailure?: () => void;
};

/**
 * The dashboard's live feed (/api/v1/live) as runes. Every message is validated against the
 * contract; progress updates are applied with applyProgressUpdate, and any that arrives for a
 * version already held is ignored. When the link drops, the last figures stay on screen marked
 * as stale, and the connection comes back by itself with exponential backoff; the server
 * answers every new connection with a fresh snapshot, so nothing written meanwhile is missed.
 */
export class LiveConnection {
  status = $state<LiveStatus>('connecting');
  projects = $state.raw<Record<string, LiveProject>>({});
  /** Server time of the figures held. */
  asOf = $state<string | null>(null);
  /** When the next attempt is due (epoch ms), while waiting to reconnect. */
  retryAt = $state<number | null>(null);
  /** Snapshots received: 1 after the first connection, +1 after each recovery. */
  snapshots = $state(0);

  private ws: WebSocket | null = null;
  private attempts = 0;
  private failuresWithoutOpen = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private readonly opts: Required<Omit<LiveOptions, 'url' | 'onRepeatedFailure'>> & Pick<LiveOptions, 'url' | 'onRepeatedFailure'>;

  constructor(opts: LiveOptions = {}) {
    this.opts = { baseDelayMs: 1000, maxDelayMs: 30_000, silenceMs: 40_000, ...opts };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.drop(1000, 'page closed');
  }

  /** The "reconnect now" button, and the browser telling us the network is back. */
  reconnectNow(): void {
    if (this.stopped || this.ws) return;
    this.attempts = 0;
    this.connect();
  }

  private url(): string {
    if (this.opts.url) return this.opts.url;
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`;
  }

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.retryAt = null;
    if (navigator.onLine === false) {
      this.status = 'offline';
      return;
    }
    this.status = this.snapshots > 0 ? 'reconnecting' : 'connecting';
    let opened = false;
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.failuresWithoutOpen = 0;
      this.watchSilence();
    };
    ws.onmessage = (event) => {
      if (this.ws === ws) this.receive(event.data);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearTimeout(this.silenceTimer);
      if (!opened) this.failuresWithoutOpen++;
      this.scheduleReconnect();
    };
  }

  /** Closes the socket without waiting for the close handshake (a dead link may never answer). */
  private drop(code: number, reason: string): void {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    if (navigator.onLine === false) {
      this.status = 'offline';
      return;
    }
    this.status = this.snapshots > 0 ? 'reconnecting' : 'connecting';
    // Exponential backoff with ±20 % jitter, so a restarted server is not hit by every screen at once.
    const base = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** this.attempts);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempts++;
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => this.connect(), delay);
    // Refused twice before opening: perhaps the session ended (a refused upgrade shows no status).
    if (this.failuresWithoutOpen === 2) this.opts.onRepeatedFailure?.();
  }

  private watchSilence(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      this.drop(4000, 'no heartbeat');
      this.scheduleReconnect();
    }, this.opts.silenceMs);
  }

  private receive(data: unknown): void {
    let parsed;
    try {
      parsed = LiveServerMessage.safeParse(JSON.parse(String(data)));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      console.warn('live: ignored a message that does not match the contract');
      return;
    }
    this.watchSilence();
    const msg = parsed.data;
    switch (msg.type) {
      case 'snapshot':
        this.projects = Object.fromEntries(msg.projects.map((p) => [p.project.id, p]));
        this.asOf = msg.at;
        this.attempts = 0;
        this.status = 'live';
        this.snapshots++;
        break;
      case 'project':
        this.projects = { ...this.projects, [msg.project.project.id]: msg.project };
        this.asOf = msg.at;
        break;
      case 'progress': {
        const held = this.projects[msg.projectId];
        // Unknown project or an older version than held: the next snapshot or update brings it.
        if (!held || msg.version <= held.version) break;
        this.projects = { ...this.projects, [msg.projectId]: { ...held, version: msg.version, progress: applyProgressUpdate(held.progress, msg) } };
        this.asOf = msg.at;
        break;
      }
      case 'heartbeat':
        break;
      case 'error':
        console.warn(`live: the server refused a message (${msg.code})`);
        break;
    }
  }

  private onOnline = () => this.reconnectNow();
  private onOffline = () => {
    this.drop(4001, 'offline');
    clearTimeout(this.retryTimer);
    this.retryAt = null;
    this.status = 'offline';
  };
  private onVisible = () => {
    // A phone that slept through its retries: try at once rather than finishing the backoff.
    if (document.visibilityState === 'visible' && !this.ws && this.status !== 'live') this.reconnectNow();
  };
}
