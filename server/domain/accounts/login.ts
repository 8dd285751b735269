import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { loginFailures, sessions, users } from '../../../db/schema/index.ts';
import { LoginInput } from '../../contracts/accounts.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import { appNow } from '../clock-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { verifyPassword } from './passwords.ts';
import type { SessionActor } from './resolve-credentials.ts';
import { newSecret } from './secrets.ts';

export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT = 10;
// An address may front a whole township office behind one NAT, so it gets more room.
export const MAX_FAILURES_PER_ADDRESS = 50;
export const SESSION_SECRET_PREFIX = 'gys';

export type LoginResult = { sessionSecret: string; csrfToken: string; expiresAt: Date; userId: string; actor: SessionActor };

/**
 * Checks a password and opens a server-side session. Failures are counted per account and
 * per address over a sliding window of the app clock; past the limit, even a right password gets 429.
 *
 * Each attempt is recorded as a failure *before* the password is checked, in the same
 * transaction (under a per-account and per-address lock) that counts the earlier ones; a
 * right password then takes its own row back. Counting and recording as two steps let 120
 * parallel guesses all be evaluated before the first failure landed.
 */
export async function login({
  ctx,
  input,
  ip,
  userAgent,
  sessionHours,
}: {
  ctx: Ctx;
  input: unknown;
  ip: string;
  userAgent?: string;
  sessionHours: number;
}): Promise<LoginResult> {
  const { username, password } = parseInput(LoginInput, input);
  const now = ctx.clock();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000).toISOString();

  const attemptId = await withTransaction(ctx, async (tx) => {
    // Always in this order (account, then address), so two logins never wait on each other crosswise.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`login-user:${username}`})), pg_advisory_xact_lock(hashtext(${`login-ip:${ip}`}))`);
    const [counts] = rowsOf<{ account: number; address: number }>(
      await tx.execute(sql`SELECT
        (SELECT count(*) FROM login_failures WHERE username = ${username} AND at > ${since}::timestamptz)::int AS account,
        (SELECT count(*) FROM login_failures WHERE ip = ${ip} AND at > ${since}::timestamptz)::int AS address`),
    );
    if (counts.account >= MAX_FAILURES_PER_ACCOUNT || counts.address >= MAX_FAILURES_PER_ADDRESS)
      throw new DomainError('RATE_LIMITED', `Too many failed logins; try again in ${LOGIN_WINDOW_MINUTES} minutes`);
    const [row] = await tx.insert(loginFailures).values({ username, ip, at: now }).returning({ id: loginFailures.id });
    return row.id;
  });

  const [user] = await ctx.db.select().from(users).where(eq(users.username, username));
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  const actorCtx = { ...ctx, actor: { ...ctx.actor, ip } };
  if (!ok || !user || user.disabledAt) {
    await writeAudit(ctx.db, actorCtx, { action: 'auth.login-failed', targetType: 'user', targetId: user?.id, details: { username } });
    // One message for every cause, so the answer does not tell which usernames exist.
    throw new DomainError('UNAUTHORIZED', 'Wrong username or password, or the account is disabled');
  }

  const { secret, hash } = newSecret(SESSION_SECRET_PREFIX);
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + sessionHours * 3600_000);
  const sessionId = randomUUID();
  const actor: SessionActor = {
    kind: 'user',
    label: `user:${user.username}`,
    role: user.role,
    cooperativeId: user.cooperativeId,
    carrierCode: user.carrierCode,
    userId: user.id,
    sessionId,
    ip,
    csrfToken,
    username: user.username,
    displayName: user.displayName,
  };
  await withTransaction(ctx, async (tx) => {
    await tx
      .insert(sessions)
      .values({ id: sessionId, secretHash: hash, csrfToken, userId: user.id, expiresAt, lastSeenAt: now, ip, userAgent: userAgent?.slice(0, 300) });
    await tx.delete(loginFailures).where(eq(loginFailures.id, attemptId));
    await tx.delete(loginFailures).where(and(eq(loginFailures.username, username), gt(loginFailures.at, sql`${appNow(ctx)} - interval '1 day'`)));
    await writeAudit(tx, { ...ctx, actor }, { action: 'auth.login', targetType: 'session', targetId: sessionId });
  });
  return { sessionSecret: secret, csrfToken, expiresAt, userId: user.id, actor };
}

/** Ends the current session at once: the cookie stops working on every process. */
export async function logout({ ctx }: { ctx: Ctx }): Promise<void> {
  const id = ctx.actor.sessionId;
  if (!id) return;
  await withTransaction(ctx, async (tx) => {
    await tx
      .update(sessions)
      .set({ revokedAt: appNow(ctx) })
      .where(eq(sessions.id, id));
    await writeAudit(tx, ctx, { action: 'auth.logout', targetType: 'session', targetId: id });
  });
}
