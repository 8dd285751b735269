import { asc, eq } from 'drizzle-orm';
import { servicePointVersions, servicePoints } from '../../../db/schema/index.ts';
import type { ServicePointRecord } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError } from '../errors.ts';
import { changedFields, SERVICE_POINT_FIELDS } from './network-records.ts';

/** Every version of a service point, oldest first, with who changed what and when. */
export async function servicePointHistory({ ctx, id }: { ctx: Ctx; id: string }) {
  requireAccess(ctx, 'network.read');
  const [exists] = await ctx.db.select({ id: servicePoints.id }).from(servicePoints).where(eq(servicePoints.id, id));
  if (!exists) throw DomainError.notFound('The service point');
  const rows = await ctx.db.select().from(servicePointVersions).where(eq(servicePointVersions.servicePointId, id)).orderBy(asc(servicePointVersions.version));
  let previous: ServicePointRecord | null = null;
  const items = rows.map((r) => {
    const record = r.record as ServicePointRecord;
    const item = {
      version: r.version,
      changedAt: r.changedAt.toISOString(),
      changedBy: r.changedBy,
      change: r.change,
      importId: r.importId,
      changedFields: changedFields(previous, record, SERVICE_POINT_FIELDS),
      record,
    };
    previous = record;
    return item;
  });
  return { id, items };
}
