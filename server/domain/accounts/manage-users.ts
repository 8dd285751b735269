import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { sessions, users } from '../../../db/schema/index.ts';
import { PasswordResetInput, type UserView } from '../../contracts/accounts.ts';
import { IdParams } from '../../contracts/common.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import { appNow } from '../clock-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { hashPassword } from './passwords.ts';
import { toUserView } from './views.ts';

export async function listUsers({ ctx }: { ctx: Ctx }): Promise<{ items: UserView[] }> {
  requireAccess(ctx, 'user.read');
  const rows = await ctx.db.select().from(users).orderBy(asc(users.role), asc(users.username));
  return { items: rows.map(toUserView) };
}

/** Disabling (or re-enabling) an account; disabling ends its sessions at once. */
export async function setUserDisabled({ ctx, id, disabled }: { ctx: Ctx; id: string; disabled: boolean }): Promise<UserView> {
  requireAccess(ctx, 'user.update');
  parseInput(IdParams, { id });
  if (disabled && ctx.actor.userId === id) throw DomainError.conflict('you cannot disable your own account');
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ disabledAt: disabled ? sql`coalesce(${users.disabledAt}, ${appNow(ctx)})` : null })
      .where(eq(users.id, id))
      .returning();
    if (!row) throw DomainError.notFound(`User ${id}`);
    if (disabled)
      await tx
        .update(sessions)
        .set({ revokedAt: appNow(ctx) })
        .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
    await writeAudit(tx, ctx, { action: disabled ? 'user.disable' : 'user.enable', targetType: 'user', targetId: id });
    return toUserView(row);
  });
}

/** An admin sets a new password; the account's sessions end, so whoever held them must log in again. */
export async function resetPassword({ ctx, id, input }: { ctx: Ctx; id: string; input: unknown }): Promise<UserView> {
  requireAccess(ctx, 'user.update');
  parseInput(IdParams, { id });
  const { password } = parseInput(PasswordResetInput, input);
  const passwordHash = await hashPassword(password);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: appNow(ctx) })
      .where(eq(users.id, id))
      .returning();
    if (!row) throw DomainError.notFound(`User ${id}`);
    await tx
      .update(sessions)
      .set({ revokedAt: appNow(ctx) })
      .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
    await writeAudit(tx, ctx, { action: 'user.reset-password', targetType: 'user', targetId: id });
    return toUserView(row);
  });
}
