import { randomUUID } from 'node:crypto';
import { eq, or, sql } from 'drizzle-orm';
import { projects } from '../../../db/schema/index.ts';
import { ProjectInput, type ProjectView } from '../../contracts/projects.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { withTransaction } from '../transaction.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import { confirmedSql, inKnownProjectScopeSql, provisionalSql } from '../ledger/counting-sql.ts';
import { toProjectView } from './project-view.ts';

/**
 * Creates a parcel project (county-wide, or for one town) and fills its rollups from the
 * cells already counted, so a project created mid-season starts with the right figures.
 * The natural key is the project's code.
 */
export async function createProject({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; project: ProjectView }> {
  requireAccess(ctx, 'project.create');
  const p = parseInput(ProjectInput, input);
  const issues = unknownCodeIssues(ctx.reference, { productCode: p.productCode, townCode: p.townCode });
  if (issues.length) throw DomainError.validation(issues);
  const values = {
    id: p.id ?? randomUUID(),
    code: p.code,
    name: p.name,
    nameEn: p.nameEn ?? null,
    productCode: p.productCode,
    tier: p.tier,
    targetParcels: p.targetParcels,
    startsOn: p.startsOn,
    endsOn: p.endsOn,
    townCode: p.townCode ?? null,
    createdBy: ctx.actor.label,
  };
  const result = await withTransaction(ctx, async (tx) => {
    // Writers hold ROW EXCLUSIVE on volume_cells until they commit. SHARE waits for those in
    // flight (so the backfill sees their cells) and holds back new ones until this project is
    // committed (so their rollup statements see it). No write lands in neither.
    await tx.execute(sql`LOCK TABLE volume_cells IN SHARE MODE`);
    const [inserted] = await tx.insert(projects).values(values).onConflictDoNothing().returning();
    if (!inserted) {
      const [existing] = await tx
        .select()
        .from(projects)
        .where(or(eq(projects.code, p.code), eq(projects.id, values.id)));
      const same =
        existing &&
        existing.code === p.code &&
        existing.name === p.name &&
        existing.nameEn === values.nameEn &&
        existing.productCode === p.productCode &&
        existing.tier === p.tier &&
        existing.targetParcels === p.targetParcels &&
        existing.startsOn === p.startsOn &&
        existing.endsOn === p.endsOn &&
        existing.townCode === values.townCode &&
        (p.id === undefined || existing.id === p.id);
      if (!same) throw DomainError.conflict(`a different project with code "${p.code}" (or with this id) already exists`);
      return { created: false, project: toProjectView(existing) };
    }
    await tx.execute(sql`
      INSERT INTO project_rollups (project_id, dim, key, slot, confirmed, provisional)
      SELECT ${inserted.id}::uuid, d.dim, d.key, 0,
             sum(${confirmedSql('c')}), sum(${provisionalSql('c')})
      FROM volume_cells c
      CROSS JOIN LATERAL (VALUES ('town', c.town_code), ('carrier', c.carrier_code), ('day', c.business_date::text)) AS d(dim, key)
      WHERE ${inKnownProjectScopeSql(values, 'c')}
      GROUP BY d.dim, d.key`);
    await writeAudit(tx, ctx, {
      action: 'project.create',
      targetType: 'project',
      targetId: inserted.id,
      details: { code: p.code, targetParcels: p.targetParcels },
    });
    return { created: true, project: toProjectView(inserted) };
  });
  if (result.created) ctx.changes?.projectsChanged();
  return result;
}
