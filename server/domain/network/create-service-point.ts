import { randomUUID } from 'node:crypto';
import { eq, inArray, or } from 'drizzle-orm';
import { servicePointVillages, servicePoints, villages } from '../../../db/schema/index.ts';
import { ServicePointInput, type ServicePointRecord, type ServicePointView } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction, type Tx } from '../transaction.ts';
import {
  appendServicePointVersion,
  changedFields,
  SERVICE_POINT_FIELDS,
  servicePointRecord,
  toServicePointView,
  villageIdsByPoint,
} from './network-records.ts';
import { loadPointLinks, servicePointIssues, servicePointRecordFrom } from './service-point-rules.ts';

/** Registers a county hub, town node or village station; natural key `code`. A re-send answers the original. */
export async function createServicePoint({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; servicePoint: ServicePointView }> {
  requireAccess(ctx, 'network.write');
  const p = parseInput(ServicePointInput, input);
  const record = servicePointRecordFrom(ctx.reference, p);
  const id = p.id ?? randomUUID();
  const now = ctx.clock();

  return withTransaction(ctx, async (tx) => {
    const sameOrConflict = async () => {
      const found = await tx
        .select()
        .from(servicePoints)
        .where(or(eq(servicePoints.code, record.code), eq(servicePoints.id, id)));
      if (found.length === 1) {
        const links = (await villageIdsByPoint(tx, [found[0].id])).get(found[0].id) ?? [];
        const same =
          changedFields(servicePointRecord(found[0], links), record, SERVICE_POINT_FIELDS).length === 0 && (p.id === undefined || found[0].id === p.id);
        if (same) return { created: false, servicePoint: toServicePointView(found[0], links) };
      }
      throw DomainError.conflict(`another service point already has the code "${record.code}" or this id`);
    };
    const points = await loadPointLinks(tx);
    if ([...points.values()].some((x) => x.code === record.code || x.id === id)) return sameOrConflict();

    const known = await existingVillages(tx, record);
    const issues = servicePointIssues(ctx.reference, id, record, points, (v) => known.has(v));
    if (issues.length) throw DomainError.validation(issues);
    const { villageIds, ...columns } = record;
    const [row] = await tx
      .insert(servicePoints)
      .values({ id, ...columns, version: 1, createdAt: now, createdBy: ctx.actor.label, updatedAt: now, updatedBy: ctx.actor.label })
      .onConflictDoNothing()
      .returning();
    if (!row) return sameOrConflict();
    if (villageIds.length) await tx.insert(servicePointVillages).values(villageIds.map((villageId) => ({ servicePointId: id, villageId })));
    await appendServicePointVersion(tx, ctx, row, villageIds, 'create');
    await writeAudit(tx, ctx, {
      action: 'service-point.create',
      targetType: 'service_point',
      targetId: id,
      details: { code: row.code, kind: row.kind, mode: row.mode, townCode: row.townCode },
    });
    return { created: true, servicePoint: toServicePointView(row, villageIds) };
  });
}

export async function existingVillages(tx: Tx, record: Pick<ServicePointRecord, 'villageIds'>): Promise<Set<string>> {
  if (record.villageIds.length === 0) return new Set();
  const rows = await tx.select({ id: villages.id }).from(villages).where(inArray(villages.id, record.villageIds));
  return new Set(rows.map((r) => r.id));
}
