import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { clockFrom } from '../../server/domain/context.ts';

describe('loadConfig', () => {
  it('fills in defaults for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      databaseUrl: undefined,
      databasePoolMax: 10,
      logLevel: 'info',
      bodyLimitBytes: 2 * 1024 * 1024,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: '/var/lib/guoyun',
        DATABASE_URL: 'postgresql://guoyun@db:5432/guoyun',
        DATABASE_POOL_MAX: '25',
        LOG_LEVEL: 'warn',
        BODY_LIMIT_BYTES: '65536',
        UNRELATED: 'ignored',
      }),
    ).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/guoyun',
      databaseUrl: 'postgresql://guoyun@db:5432/guoyun',
      databasePoolMax: 25,
      logLevel: 'warn',
      bodyLimitBytes: 65536,
    });
  });

  it('treats empty and blank strings as unset', () => {
    const blank = { PORT: '', HOST: ' ', DATA_DIR: '', DATABASE_URL: '', DATABASE_POOL_MAX: '  ', LOG_LEVEL: '', BODY_LIMIT_BYTES: '' };
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it('refuses a bad PORT with a ConfigError naming it', () => {
    for (const PORT of ['abc', '70000', '-1', '80.5']) {
      expect(() => loadConfig({ PORT })).toThrow(ConfigError);
      expect(() => loadConfig({ PORT })).toThrow(/PORT/);
    }
  });

  it('refuses other bad values', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://localhost/guoyun' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => loadConfig({ BODY_LIMIT_BYTES: '10' })).toThrow(/BODY_LIMIT_BYTES/);
  });
});

describe('loadConfig: timeouts, proxy trust, sessions, live sockets', () => {
  it('has safe defaults: timeouts on, no proxy trusted', () => {
    expect(loadConfig({})).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 72_000,
      idleTimeoutMs: 120_000,
      liveSocketsPerLogin: 20,
      sessionIdleMinutes: 480,
      trustProxy: false,
    });
  });

  it('reads the timeouts in seconds', () => {
    expect(
      loadConfig({ HEADERS_TIMEOUT_SECONDS: '5', REQUEST_TIMEOUT_SECONDS: '300', KEEP_ALIVE_TIMEOUT_SECONDS: '10', IDLE_TIMEOUT_SECONDS: '30' }),
    ).toMatchObject({
      headersTimeoutMs: 5000,
      requestTimeoutMs: 300_000,
      keepAliveTimeoutMs: 10_000,
      idleTimeoutMs: 30_000,
    });
    expect(() => loadConfig({ HEADERS_TIMEOUT_SECONDS: '0' })).toThrow(/HEADERS_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ HEADERS_TIMEOUT_SECONDS: '200', REQUEST_TIMEOUT_SECONDS: '100' })).toThrow(/HEADERS_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_SECONDS: 'forever' })).toThrow(/REQUEST_TIMEOUT_SECONDS/);
  });

  it('takes TRUST_PROXY as off, a hop count, or a list of proxy addresses and CIDRs', () => {
    for (const off of ['', '0', 'false', 'off']) expect(loadConfig({ TRUST_PROXY: off }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1,loopback' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', '::1', 'loopback']);
    // "true" would believe any client's X-Forwarded-For: name the proxies instead.
    for (const bad of ['true', 'yes', '10.0.0.300', '10.0.0.0/33', 'proxy.example', '1,2'])
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });

  it('reads SESSION_IDLE_MINUTES and LIVE_SOCKETS_PER_LOGIN', () => {
    expect(loadConfig({ SESSION_IDLE_MINUTES: '60', LIVE_SOCKETS_PER_LOGIN: '5' })).toMatchObject({ sessionIdleMinutes: 60, liveSocketsPerLogin: 5 });
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '1' })).toThrow(/SESSION_IDLE_MINUTES/);
    expect(() => loadConfig({ LIVE_SOCKETS_PER_LOGIN: '0' })).toThrow(/LIVE_SOCKETS_PER_LOGIN/);
  });
});

describe('the demo clock', () => {
  it('starts at DEMO_AS_OF and runs on at the pace of the real one', () => {
    const config = loadConfig({ DEMO: '1', DEMO_AS_OF: '2026-11-29T12:00:00+08:00' });
    expect(config.demoAsOf?.toISOString()).toBe('2026-11-29T04:00:00.000Z');
    let real = Date.parse('2031-07-01T00:00:00Z');
    const clock = clockFrom(config.demoAsOf, () => real);
    expect(clock().toISOString()).toBe('2026-11-29T04:00:00.000Z');
    real += 90_000;
    expect(clock().toISOString()).toBe('2026-11-29T04:01:30.000Z');
    expect(clockFrom(undefined, () => real)().getTime()).toBe(real);
  });

  it('is refused outside demo mode, and must carry a zone', () => {
    expect(() => loadConfig({ DEMO_AS_OF: '2026-11-29T12:00:00+08:00' })).toThrow(/DEMO_AS_OF: only with DEMO=1/);
    expect(loadConfig({ DEMO_AS_OF: '2026-11-29T12:00:00+08:00' }, ['--demo']).demoAsOf).toBeInstanceOf(Date);
    expect(() => loadConfig({ DEMO: '1', DEMO_AS_OF: '2026-11-29 12:00' })).toThrow(ConfigError);
  });
});
