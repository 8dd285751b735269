import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Role } from '../../server/contracts/accounts.ts';
import { createCooperative } from '../../server/domain/organizations/create-cooperative.ts';
import { createToken } from '../../server/domain/accounts/tokens.ts';
import { buildApp, type AppDeps } from '../../server/http/app.ts';
import { systemActor, type Ctx } from '../../server/domain/context.ts';
import { loadReference } from '../../server/domain/reference/load-reference.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

/** A clock tests can set and move; the domain never reads the system time directly. */
export class TestClock {
  private t: number;
  constructor(iso = '2026-11-29T04:00:00Z') {
    this.t = Date.parse(iso);
  }
  now = (): Date => new Date(this.t);
  set(iso: string) {
    this.t = Date.parse(iso);
  }
}

/** Something that answers `inject`: the app itself (no credentials) or a client acting as someone. */
export type Injector = Pick<FastifyInstance, 'inject'>;

export type TestApp = {
  /** The app as an administrator (API token): the default for tests not about access. */
  app: Injector;
  /** The app with no credentials at all. */
  server: FastifyInstance;
  db: TestDatabase;
  clock: TestClock;
  /** A system-actor context on the same database, for calling domain verbs directly. */
  ctx: Ctx;
  /** A client acting through a fresh API token of this role (for this cooperative or carrier). */
  as: (role: Role, organization?: string) => Promise<Injector & { token: string; tokenId: string }>;
  close: () => Promise<void>;
};

/** Wraps an app so every request carries the given headers (unless the test sets its own). */
export function withHeaders(app: FastifyInstance, headers: Record<string, string>): Injector {
  const inject = (opts: InjectOptions | string) => {
    const o: InjectOptions = typeof opts === 'string' ? { url: opts } : opts;
    return app.inject({ ...o, headers: { ...headers, ...(o.headers as Record<string, string> | undefined) } });
  };
  return { inject } as Injector;
}

/**
 * `config` overrides the settings config.ts gives defaults for (timeouts, proxy trust…);
 * `web` mounts the built web app (web/build) as main.ts does.
 */
export async function buildTestApp({ now, config, web }: { now?: string; config?: Partial<AppDeps['config']>; web?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const clock = new TestClock(now);
  const reference = await loadReference(db.handle.db);
  const server = await buildApp({
    config: { bodyLimitBytes: 2 * 1024 * 1024, logLevel: 'silent', sessionHours: 24, cookieSecure: false, ...config },
    handle: db.handle,
    reference,
    clock: clock.now,
    web: web ? {} : undefined,
  });
  await server.ready();
  const ctx: Ctx = { db: db.handle.db, databaseKind: db.handle.kind, actor: systemActor, clock: clock.now, reference };
  const as: TestApp['as'] = async (role, organization) => {
    const t = await createToken({ ctx, input: { name: `test ${role}`, role, organization } });
    return Object.assign(withHeaders(server, { authorization: `Bearer ${t.token}` }), { token: t.token, tokenId: t.id });
  };
  const admin = await as('admin');
  return {
    app: admin,
    server,
    db,
    clock,
    ctx,
    as,
    close: async () => {
      await server.close();
      await db.close();
    },
  };
}

/** A cooperative registered directly (as the system), for tests that need one quickly. */
export async function registerCooperative(ctx: Ctx, name: string, townCode = '370323109'): Promise<string> {
  return (await createCooperative({ ctx, input: { name, townCode } })).cooperative.id;
}
