import { randomUUID } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import { apiTokens } from '../../../db/schema/index.ts';
import { TokenInput, type TokenView } from '../../contracts/accounts.ts';
import { IdParams } from '../../contracts/common.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import { appNow } from '../clock-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { resolveOrganization } from './organization.ts';
import { newSecret } from './secrets.ts';
import { toTokenView } from './views.ts';

export const TOKEN_PREFIX = 'gyt';

/** Issues an API token for a carrier's or cooperative's system. The secret is returned this once only. */
export async function createToken({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TokenView & { token: string }> {
  requireAccess(ctx, 'token.create');
  const t = parseInput(TokenInput, input);
  const org = await resolveOrganization(ctx, t.role, t.organization);
  const { secret, hash } = newSecret(TOKEN_PREFIX);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ id: randomUUID(), name: t.name, role: t.role, ...org, secretHash: hash, prefix: secret.slice(0, 10), createdBy: ctx.actor.label })
      .returning();
    await writeAudit(tx, ctx, { action: 'token.create', targetType: 'token', targetId: row.id, details: { name: t.name, role: t.role, ...org } });
    return { ...toTokenView(row), token: secret };
  });
}

export async function listTokens({ ctx }: { ctx: Ctx }): Promise<{ items: TokenView[] }> {
  requireAccess(ctx, 'token.read');
  const rows = await ctx.db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
  return { items: rows.map(toTokenView) };
}

/** Revocation takes effect on the next request, on every process: tokens are checked against the database each time. */
export async function revokeToken({ ctx, id }: { ctx: Ctx; id: string }): Promise<TokenView> {
  requireAccess(ctx, 'token.revoke');
  parseInput(IdParams, { id });
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${appNow(ctx)})` })
      .where(eq(apiTokens.id, id))
      .returning();
    if (!row) throw DomainError.notFound(`Token ${id}`);
    await writeAudit(tx, ctx, { action: 'token.revoke', targetType: 'token', targetId: id });
    return toTokenView(row);
  });
}
