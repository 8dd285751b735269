import { z } from 'zod';

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const EnvSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  ),
  DATABASE_POOL_MAX: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  BODY_LIMIT_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1024).default(2 * 1024 * 1024)),
  ADMIN_USERNAME: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/).default('admin')),
  ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
  DEMO: z.preprocess(emptyAsUndefined, z.enum(['0', '1', 'true', 'false']).default('0')),
  COOKIE_SECURE: z.preprocess(emptyAsUndefined, z.enum(['0', '1', 'true', 'false']).default('0')),
  SESSION_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(24 * 90).default(24 * 14)),
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
  /** Mark the session cookie Secure; turn on when served over HTTPS. */
  cookieSecure: boolean;
  sessionHours: number;
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
    cookieSecure: flag(e.COOKIE_SECURE),
    sessionHours: e.SESSION_HOURS,
  };
}
