import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import { PASSWORD_MIN_LENGTH } from '../../contracts/accounts.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { withTransaction } from '../transaction.ts';
import { hashPassword } from './passwords.ts';

/**
 * First start: with no admin on record, create one. Without a configured password a random
 * one is generated and returned, for main.ts to print once; it is never stored in clear.
 */
export async function ensureAdmin({
  ctx,
  username,
  password,
}: {
  ctx: Ctx;
  username: string;
  password?: string;
}): Promise<{ created: boolean; username: string; generatedPassword?: string }> {
  const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
  if (existing) return { created: false, username };
  if (password !== undefined && password.length < PASSWORD_MIN_LENGTH) throw new Error(`ADMIN_PASSWORD must be at least ${PASSWORD_MIN_LENGTH} characters`);
  const generated = password === undefined ? randomBytes(15).toString('base64url') : undefined;
  const passwordHash = await hashPassword(password ?? generated!);
  const name = username.trim().toLowerCase();
  await withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ id: randomUUID(), username: name, displayName: '系统管理员', role: 'admin', passwordHash, createdBy: 'system' })
      .onConflictDoNothing()
      .returning();
    if (row) await writeAudit(tx, ctx, { action: 'user.bootstrap-admin', targetType: 'user', targetId: row.id, details: { username: name } });
  });
  return { created: true, username: name, generatedPassword: generated };
}
