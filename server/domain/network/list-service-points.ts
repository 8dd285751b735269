import { asc, eq, sql, type SQL } from 'drizzle-orm';
import { servicePoints } from '../../../db/schema/index.ts';
import { ServicePointListQuery, type ServicePointView } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { toServicePointView, villageIdsByPoint } from './network-records.ts';

export async function listServicePoints({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<{ items: ServicePointView[] }> {
  requireAccess(ctx, 'network.read');
  const q = parseInput(ServicePointListQuery, query ?? {});
  const where: SQL[] = [sql`true`];
  if (q.townCode) where.push(eq(servicePoints.townCode, q.townCode));
  if (q.kind) where.push(eq(servicePoints.kind, q.kind));
  if (q.mode) where.push(eq(servicePoints.mode, q.mode));
  if (q.brand) where.push(sql`${q.brand} = ANY(${servicePoints.brands})`);
  if (q.openOn)
    where.push(sql`${servicePoints.openedOn} <= ${q.openOn}::date AND (${servicePoints.closedOn} IS NULL OR ${q.openOn}::date < ${servicePoints.closedOn})`);
  if (q.villageId) where.push(sql`${servicePoints.id} IN (SELECT service_point_id FROM service_point_villages WHERE village_id = ${q.villageId}::uuid)`);
  const rows = await ctx.db
    .select()
    .from(servicePoints)
    .where(sql.join(where, sql` AND `))
    .orderBy(asc(servicePoints.code));
  // All links in one query: a county has a few hundred points.
  const links = await villageIdsByPoint(ctx.db);
  return { items: rows.map((r) => toServicePointView(r, links.get(r.id) ?? [])) };
}

export async function getServicePoint({ ctx, id }: { ctx: Ctx; id: string }): Promise<ServicePointView> {
  requireAccess(ctx, 'network.read');
  const [row] = await ctx.db.select().from(servicePoints).where(eq(servicePoints.id, id));
  if (!row) throw DomainError.notFound('The service point');
  return toServicePointView(row, (await villageIdsByPoint(ctx.db, [id])).get(id) ?? []);
}
