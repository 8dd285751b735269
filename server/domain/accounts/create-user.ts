import { randomUUID } from 'node:crypto';
import { users } from '../../../db/schema/index.ts';
import { UserInput, type UserView } from '../../contracts/accounts.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { resolveOrganization } from './organization.ts';
import { hashPassword } from './passwords.ts';
import { toUserView } from './views.ts';

/** Admins create accounts; the username is the natural key, so a second account of that name is a 409. */
export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  requireAccess(ctx, 'user.create');
  const u = parseInput(UserInput, input);
  const org = await resolveOrganization(ctx, u.role, u.organization);
  const passwordHash = await hashPassword(u.password);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ id: u.id ?? randomUUID(), username: u.username, displayName: u.displayName, role: u.role, ...org, passwordHash, createdBy: ctx.actor.label })
      .onConflictDoNothing()
      .returning();
    if (!row) throw DomainError.conflict(`the username "${u.username}" is taken`);
    await writeAudit(tx, ctx, { action: 'user.create', targetType: 'user', targetId: row.id, details: { username: row.username, role: row.role, ...org } });
    return toUserView(row);
  });
}
