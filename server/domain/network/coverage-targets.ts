import { asc, sql } from 'drizzle-orm';
import { coverageTargets } from '../../../db/schema/index.ts';
import { CoverageTargetsInput } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { withTransaction, type Tx } from '../transaction.ts';

export type TargetView = { by: string; rate: number; countsProxy: boolean; label: string | null; updatedAt: string; updatedBy: string };

export async function loadTargets(db: Ctx['db'] | Tx): Promise<TargetView[]> {
  const rows = await db.select().from(coverageTargets).orderBy(asc(coverageTargets.by));
  return rows.map((r) => ({
    by: r.by,
    rate: Number(r.rate),
    countsProxy: r.countsProxy,
    label: r.label,
    updatedAt: r.updatedAt.toISOString(),
    updatedBy: r.updatedBy,
  }));
}

export async function getCoverageTargets({ ctx }: { ctx: Ctx }): Promise<{ items: TargetView[] }> {
  requireAccess(ctx, 'network.read');
  return { items: await loadTargets(ctx.db) };
}

/** Replaces the whole set of coverage targets (at least one); the audit row keeps the set before and after. */
export async function setCoverageTargets({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ items: TargetView[] }> {
  requireAccess(ctx, 'network.write');
  const { items } = parseInput(CoverageTargetsInput, input);
  return withTransaction(ctx, async (tx) => {
    // Serialises concurrent replacements: the second sees the first's set as its "before".
    await tx.execute(sql`LOCK TABLE coverage_targets IN SHARE ROW EXCLUSIVE MODE`);
    const before = await loadTargets(tx);
    const strip = (t: { by: string; rate: number; countsProxy: boolean; label?: string | null }) => ({
      by: t.by,
      rate: t.rate,
      countsProxy: t.countsProxy,
      label: t.label ?? null,
    });
    const after = [...items].sort((a, b) => a.by.localeCompare(b.by)).map(strip);
    if (JSON.stringify(before.map(strip)) === JSON.stringify(after)) return { items: before };
    await tx.delete(coverageTargets);
    await tx.insert(coverageTargets).values(after.map((t) => ({ ...t, updatedAt: ctx.clock(), updatedBy: ctx.actor.label })));
    await writeAudit(tx, ctx, { action: 'coverage-targets.set', targetType: 'coverage_targets', details: { before: before.map(strip), after } });
    return { items: await loadTargets(tx) };
  });
}
