import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';

// The one-clock rule: a timestamp that a later decision compares against (expiry, windows,
// "today", cut-offs) is written and compared with the app's clock, passed in as a parameter;
// the database's now() only stamps when a row was recorded (recorded_at, updated_at). The audit
// trail is the exception that proves it: people filter it by date, so its `at` is the app's.

/** The app clock's instant as an SQL timestamptz parameter. */
export function appNow(ctx: Pick<Ctx, 'clock'>): SQL {
  return sql`${ctx.clock().toISOString()}::timestamptz`;
}

/** The app clock's instant moved by whole minutes (negative: earlier), as an SQL parameter. */
export function appNowPlusMinutes(ctx: Pick<Ctx, 'clock'>, minutes: number): SQL {
  return sql`${new Date(ctx.clock().getTime() + minutes * 60_000).toISOString()}::timestamptz`;
}
