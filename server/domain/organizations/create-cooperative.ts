import { randomUUID } from 'node:crypto';
import { and, eq, or } from 'drizzle-orm';
import { cooperatives } from '../../../db/schema/index.ts';
import { CooperativeInput, type CooperativeView } from '../../contracts/organizations.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import { withTransaction } from '../transaction.ts';

type Row = typeof cooperatives.$inferSelect;

export const toCooperativeView = (r: Row): CooperativeView => ({
  id: r.id,
  name: r.name,
  townCode: r.townCode,
  village: r.village,
  contact: r.contact,
  createdAt: r.createdAt.toISOString(),
});

/** Registers a cooperative; its natural key is town + name, so a re-sent registration returns the original. */
export async function createCooperative({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; cooperative: CooperativeView }> {
  requireAccess(ctx, 'cooperative.create');
  const c = parseInput(CooperativeInput, input);
  const issues = unknownCodeIssues(ctx.reference, { townCode: c.townCode });
  if (issues.length) throw DomainError.validation(issues);
  const values = {
    id: c.id ?? randomUUID(),
    name: c.name,
    townCode: c.townCode,
    village: c.village ?? null,
    contact: c.contact ?? null,
    createdBy: ctx.actor.label,
  };
  const inserted = await withTransaction(ctx, async (tx) => {
    const [row] = await tx.insert(cooperatives).values(values).onConflictDoNothing().returning();
    if (row)
      await writeAudit(tx, ctx, {
        action: 'cooperative.create',
        targetType: 'cooperative',
        targetId: row.id,
        details: { name: row.name, townCode: row.townCode },
      });
    return row;
  });
  if (inserted) return { created: true, cooperative: toCooperativeView(inserted) };
  const [existing] = await ctx.db
    .select()
    .from(cooperatives)
    .where(or(and(eq(cooperatives.townCode, c.townCode), eq(cooperatives.name, c.name)), eq(cooperatives.id, values.id)));
  const same =
    existing &&
    existing.name === c.name &&
    existing.townCode === c.townCode &&
    existing.village === values.village &&
    existing.contact === values.contact &&
    (c.id === undefined || existing.id === c.id);
  if (!same) throw DomainError.conflict(`a different cooperative named "${c.name}" (or with this id) is already registered in this town`);
  return { created: false, cooperative: toCooperativeView(existing) };
}
