import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';

// A real listening server with short timeouts (the defaults are seconds to minutes; see
// server/config.ts), spoken to byte by byte: a connection that sends nothing, headers or a body
// trickled forever, and a client idling between requests are all cut by the server. And one
// login cannot hold more than its share of live websockets.

const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000, idleTimeoutMs: 4000, liveSocketsPerLogin: 3 };
// The longest any cut may take here: the limit, plus Node's check interval and a busy machine.
const SLACK_MS = 2500;

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await buildTestApp({ config: LIMITS });
  await t.server.listen({ port: 0, host: '127.0.0.1' });
  port = (t.server.server.address() as net.AddressInfo).port;
});
afterAll(() => t?.close());

type Conversation = { closedAfterMs: number; received: string; sent: number };

/**
 * Opens a TCP connection, writes `first`, then one of `drip` every `everyMs` until the server
 * closes the connection (or `giveUpMs` passes, and the test fails).
 */
function converse({
  first = '',
  drip,
  everyMs = 250,
  giveUpMs = 15_000,
}: {
  first?: string;
  drip?: string;
  everyMs?: number;
  giveUpMs?: number;
}): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms (sent ${sent} drips; received ${JSON.stringify(received)})`));
    }, giveUpMs);
    socket.on('data', (d) => (received += d.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started, received, sent });
    });
    socket.on('connect', () => {
      if (first) socket.write(first);
      if (drip)
        timer = setInterval(() => {
          if (!socket.writable) return;
          socket.write(drip);
          sent++;
        }, everyMs);
    });
  });
}

const statusOf = (received: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);

describe('HTTP timeouts on a listening server', () => {
  it('closes a connection that never sends a byte', async () => {
    const c = await converse({});
    expect(c.closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + SLACK_MS);
    // Answered 408 if anything: never a request served.
    expect([0, 408]).toContain(statusOf(c.received));
  });

  it('cuts headers trickled a line at a time, though the connection is never idle', async () => {
    const c = await converse({ first: 'GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n', drip: 'X-Slow: a\r\n' });
    expect(c.sent).toBeGreaterThan(1);
    expect(c.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 100);
    expect(c.closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + SLACK_MS);
    expect(statusOf(c.received)).toBe(408);
  });

  it('cuts a body trickled a byte at a time', async () => {
    const head = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const c = await converse({ first: head, drip: ' ' });
    expect(c.sent).toBeGreaterThan(2);
    expect(c.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 100);
    expect(c.closedAfterMs).toBeLessThan(LIMITS.requestTimeoutMs + SLACK_MS);
    expect(statusOf(c.received)).toBe(408);
  });

  it('closes a kept-alive connection left idle after its answer', async () => {
    const c = await converse({ first: 'GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n' });
    expect(statusOf(c.received)).toBe(200);
    expect(c.closedAfterMs).toBeLessThan(LIMITS.keepAliveTimeoutMs + SLACK_MS);
  });

  it('still serves a request that arrives slowly but within the limits', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (d) => (received += d.toString('utf8')));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    for (const part of ['GET /api/v1/health HTTP/1.1\r\n', 'Host: localhost\r\n', 'Connection: close\r\n', '\r\n']) {
      socket.write(part);
      await new Promise((r) => setTimeout(r, 150));
    }
    await closed;
    expect(statusOf(received)).toBe(200);
  });
});

describe('live websockets per login', () => {
  const url = () => `ws://127.0.0.1:${port}/api/v1/live`;
  /** Opens a socket; resolves once it is open, or with the close code and reason if the server closes it first. */
  function open(token: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url(), { headers: { authorization: `Bearer ${token}` } });
      const closed = new Promise<{ code: number; reason: string }>((done) =>
        ws.once('close', (code, reason) => done({ code, reason: reason.toString('utf8') })),
      );
      ws.once('open', () => resolve({ ws, closed }));
      ws.once('error', reject);
    });
  }
  const stillOpen = async (ws: WebSocket) => {
    await new Promise((r) => setTimeout(r, 300));
    return ws.readyState === WebSocket.OPEN;
  };

  it('closes the socket past the cap with 1008 and a reason, and frees a place when one closes', async () => {
    const official = await t.as('official');
    const held = [];
    for (let i = 0; i < LIMITS.liveSocketsPerLogin; i++) held.push(await open(official.token));
    const extra = await open(official.token);
    expect(await extra.closed).toEqual({ code: 1008, reason: `too many live connections for this login (at most ${LIMITS.liveSocketsPerLogin})` });
    for (const s of held) expect(await stillOpen(s.ws)).toBe(true);

    // Another login has an allowance of its own.
    const other = await open((await t.as('official')).token);
    expect(await stillOpen(other.ws)).toBe(true);

    // One closed: its place is free again.
    held[0].ws.close();
    await held[0].closed;
    await expect.poll(() => t.server.liveHub.socketsOf(`token:${official.tokenId}`)).toBe(LIMITS.liveSocketsPerLogin - 1);
    const again = await open(official.token);
    expect(await stillOpen(again.ws)).toBe(true);

    for (const s of [...held, other, again]) s.ws.close();
    await expect.poll(() => t.server.liveHub.socketsOf(`token:${official.tokenId}`)).toBe(0);
  });

  it('leaves an open websocket alone past every HTTP timeout: a dashboard stays connected', async () => {
    const { ws } = await open((await t.as('official')).token);
    await new Promise((r) => setTimeout(r, Math.max(LIMITS.requestTimeoutMs, LIMITS.idleTimeoutMs) + 1000));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('counts sockets opened all at once', async () => {
    const official = await t.as('official');
    const sockets = await Promise.all(Array.from({ length: 10 }, () => open(official.token)));
    await new Promise((r) => setTimeout(r, 500));
    expect(sockets.filter((s) => s.ws.readyState === WebSocket.OPEN)).toHaveLength(LIMITS.liveSocketsPerLogin);
    for (const s of sockets) s.ws.close();
  });
});
