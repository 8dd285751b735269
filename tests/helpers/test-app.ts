import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/http/app.ts';
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

export type TestApp = {
  app: FastifyInstance;
  db: TestDatabase;
  clock: TestClock;
  /** A system-actor context on the same database, for calling domain verbs directly. */
  ctx: Ctx;
  close: () => Promise<void>;
};

export async function buildTestApp({ now }: { now?: string } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const clock = new TestClock(now);
  const reference = await loadReference(db.handle.db);
  const app = await buildApp({ config: { bodyLimitBytes: 2 * 1024 * 1024, logLevel: 'silent' }, handle: db.handle, reference, clock: clock.now });
  await app.ready();
  const ctx: Ctx = { db: db.handle.db, databaseKind: db.handle.kind, actor: systemActor, clock: clock.now, reference };
  return {
    app,
    db,
    clock,
    ctx,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
