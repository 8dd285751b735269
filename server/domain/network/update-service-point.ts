import { eq, sql } from 'drizzle-orm';
import { servicePointVillages, servicePoints } from '../../../db/schema/index.ts';
import { Uuid } from '../../contracts/common.ts';
import { ServicePointPatch, type ServicePointView } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { pgCode, withTransaction } from '../transaction.ts';
import { existingVillages } from './create-service-point.ts';
import {
  appendServicePointVersion,
  changedFields,
  SERVICE_POINT_FIELDS,
  servicePointRecord,
  toServicePointView,
  villageIdsByPoint,
} from './network-records.ts';
import { loadPointLinks, servicePointIssues, servicePointRecordFrom } from './service-point-rules.ts';

/** Changes some fields of a service point (closing it is setting closedOn); a new version is kept only when something changed. */
export async function updateServicePoint({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<{ changed: boolean; servicePoint: ServicePointView }> {
  requireAccess(ctx, 'network.write');
  const pointId = parseInput(Uuid, id);
  const { expectedVersion, ...patch } = parseInput(ServicePointPatch, input);
  return withTransaction(ctx, async (tx) => {
    const [current] = await tx.select().from(servicePoints).where(eq(servicePoints.id, pointId)).for('update');
    if (!current) throw DomainError.notFound('The service point');
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      throw DomainError.conflict(`the service point is at version ${current.version}, not ${expectedVersion}: reload it and try again`);
    const links = (await villageIdsByPoint(tx, [pointId])).get(pointId) ?? [];
    const before = servicePointRecord(current, links);
    const after = servicePointRecordFrom(ctx.reference, { ...before, ...patch });

    const points = await loadPointLinks(tx);
    points.set(pointId, { id: pointId, code: after.code, kind: after.kind, townCode: after.townCode, mode: after.mode, upstreamId: after.upstreamId });
    if ([...points.values()].some((x) => x.code === after.code && x.id !== pointId))
      throw DomainError.conflict(`another service point already has the code "${after.code}"`);
    const known = await existingVillages(tx, after);
    const issues = servicePointIssues(ctx.reference, pointId, after, points, (v) => known.has(v));
    if (issues.length) throw DomainError.validation(issues);

    const changed = changedFields(before, after, SERVICE_POINT_FIELDS);
    if (changed.length === 0) return { changed: false, servicePoint: toServicePointView(current, links) };
    const { villageIds, ...columns } = after;
    const [row] = await tx
      .update(servicePoints)
      .set({ ...columns, version: sql`${servicePoints.version} + 1`, updatedAt: ctx.clock(), updatedBy: ctx.actor.label })
      .where(eq(servicePoints.id, pointId))
      .returning()
      .catch((error) => {
        if (pgCode(error) === '23505') throw DomainError.conflict(`another service point already has the code "${after.code}"`);
        throw error;
      });
    if (changed.includes('villageIds')) {
      await tx.delete(servicePointVillages).where(eq(servicePointVillages.servicePointId, pointId));
      if (villageIds.length) await tx.insert(servicePointVillages).values(villageIds.map((villageId) => ({ servicePointId: pointId, villageId })));
    }
    await appendServicePointVersion(tx, ctx, row, villageIds, 'update');
    await writeAudit(tx, ctx, { action: 'service-point.update', targetType: 'service_point', targetId: pointId, details: { version: row.version, changed } });
    return { changed: true, servicePoint: toServicePointView(row, villageIds) };
  });
}
