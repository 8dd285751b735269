import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Defaults of the settings buildApp also takes from callers that build an app without an
 * environment (tests, benchmarks): one source for both.
 */
export const SERVER_DEFAULTS = {
  // A browser sends its headers in one packet; ten seconds is generous even on a phone's link.
  headersTimeoutMs: 10_000,
  // The whole request, body included: the largest upload (a 50 MB pickup file) passes in 120 s
  // at 3.5 Mbit/s, slower than a county office's fibre or a 4G uplink; a body trickled a byte
  // at a time is cut. Deployments with slower lines raise REQUEST_TIMEOUT_SECONDS.
  requestTimeoutMs: 120_000,
  // Between requests on one connection: longer than the 60 s idle timeout of common reverse
  // proxies, so the proxy closes first and never sends on a socket being closed.
  keepAliveTimeoutMs: 72_000,
  // No byte either way for this long, at any stage (a client that stops reading its answer).
  idleTimeoutMs: 120_000,
  // Live dashboards open one socket each: twenty covers a wall of screens on one login.
  liveSocketsPerLogin: 20,
  // A working day and a bit: a session left untouched overnight must log in again.
  sessionIdleMinutes: 8 * 60,
  trustProxy: false as TrustProxy,
} as const;

/**
 * Which X-Forwarded-* headers to believe (Fastify's trustProxy): none (off), those added by
 * the last n proxies, or those added by proxies at these addresses.
 */
export type TrustProxy = false | number | string[];

// proxy-addr's names for address ranges, besides plain addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(s: string): boolean {
  if (PROXY_RANGE_NAMES.has(s)) return true;
  const [address, bits, ...rest] = s.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** Off by default: behind no proxy, a client could otherwise choose its own address. */
const TrustProxySetting = z
  .string()
  .trim()
  .transform((v, ctx): TrustProxy => {
    if (v === '0' || v === 'false' || v === 'off') return false;
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length && list.every(isAddressOrCidr)) return list;
    ctx.addIssue({ code: 'custom', message: 'must be a hop count (1, 2…) or a comma-separated list of proxy addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8' });
    return z.NEVER;
  });

const seconds = (max: number, fallbackMs: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallbackMs / 1000);

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const EnvSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATABASE_POOL_MAX: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  BODY_LIMIT_BYTES: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(1024)
      .default(2 * 1024 * 1024),
  ),
  ADMIN_USERNAME: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/)
      .default('admin'),
  ),
  ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
  DEMO: z.preprocess(emptyAsUndefined, z.enum(['0', '1', 'true', 'false']).default('0')),
  DEMO_AS_OF: z.preprocess(
    emptyAsUndefined,
    z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-29T12:00:00+08:00' }).optional(),
  ),
  COOKIE_SECURE: z.preprocess(emptyAsUndefined, z.enum(['0', '1', 'true', 'false']).default('0')),
  SESSION_HOURS: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24 * 14),
  ),
  SESSION_IDLE_MINUTES: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 90 * 60)
      .default(SERVER_DEFAULTS.sessionIdleMinutes),
  ),
  HEADERS_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, seconds(600, SERVER_DEFAULTS.headersTimeoutMs)),
  REQUEST_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, seconds(3600, SERVER_DEFAULTS.requestTimeoutMs)),
  KEEP_ALIVE_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, seconds(3600, SERVER_DEFAULTS.keepAliveTimeoutMs)),
  IDLE_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, seconds(3600, SERVER_DEFAULTS.idleTimeoutMs)),
  LIVE_SOCKETS_PER_LOGIN: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(SERVER_DEFAULTS.liveSocketsPerLogin)),
  TRUST_PROXY: z.preprocess(emptyAsUndefined, TrustProxySetting.optional()),
});

const flag = (v: string) => v === '1' || v === 'true';

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  adminUsername: string;
  /** Unset: a first start generates one and prints it once. */
  adminPassword: string | undefined;
  /** Seed demo accounts and a season of demo data (also `npm start -- --demo`). */
  demo: boolean;
  /**
   * Demo mode only: the moment the demo shows. The app's clock starts there and runs on, so a
   * training session (or a browser test) sees the season as it stood then, whatever today is.
   */
  demoAsOf: Date | undefined;
  /** Mark the session cookie Secure; turn on when served over HTTPS. */
  cookieSecure: boolean;
  sessionHours: number;
  /** A session unused this long (by the app clock) is refused. */
  sessionIdleMinutes: number;
  /** Node refuses (408) a request whose headers take longer; also closes a connection that sends nothing. */
  headersTimeoutMs: number;
  /** The whole request, body included. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way this long is closed. */
  idleTimeoutMs: number;
  /** Live websockets one user or API token may hold at once. */
  liveSocketsPerLogin: number;
  /** Turn on behind a reverse proxy, so client addresses and HTTPS are read from its headers. */
  trustProxy: TrustProxy;
};

export class ConfigError extends Error {}

/** The only place that reads the environment; everything else receives a Config. */
export function loadConfig(env: Record<string, string | undefined> = process.env, argv: readonly string[] = []): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Node refuses to start otherwise: the headers are part of the request.
  if (e.HEADERS_TIMEOUT_SECONDS > e.REQUEST_TIMEOUT_SECONDS)
    throw new ConfigError('Invalid environment:\n  HEADERS_TIMEOUT_SECONDS: must not exceed REQUEST_TIMEOUT_SECONDS');
  // Real data on a moved clock would be dated wrongly: only a demo may run at another moment.
  if (e.DEMO_AS_OF !== undefined && !(flag(e.DEMO) || argv.includes('--demo')))
    throw new ConfigError('Invalid environment:\n  DEMO_AS_OF: only with DEMO=1 (or --demo)');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    adminUsername: e.ADMIN_USERNAME,
    adminPassword: e.ADMIN_PASSWORD,
    demo: flag(e.DEMO) || argv.includes('--demo'),
    demoAsOf: e.DEMO_AS_OF === undefined ? undefined : new Date(e.DEMO_AS_OF),
    cookieSecure: flag(e.COOKIE_SECURE),
    sessionHours: e.SESSION_HOURS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    headersTimeoutMs: e.HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    idleTimeoutMs: e.IDLE_TIMEOUT_SECONDS * 1000,
    liveSocketsPerLogin: e.LIVE_SOCKETS_PER_LOGIN,
    trustProxy: e.TRUST_PROXY ?? SERVER_DEFAULTS.trustProxy,
  };
}
