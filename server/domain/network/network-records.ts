import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { servicePointVersions, servicePoints, villageVersions, villages } from '../../../db/schema/index.ts';
import type { ServicePointRecord, ServicePointView, VillageRecord, VillageView } from '../../contracts/network.ts';
import type { Ctx } from '../context.ts';
import type { Tx } from '../transaction.ts';
import type { PointFacts, VillageFacts } from './coverage-rule.ts';

// Shared by the network verbs: row ↔ record ↔ view, and the version rows that keep the history.

export type VillageRow = typeof villages.$inferSelect;
export type ServicePointRow = typeof servicePoints.$inferSelect;
type Change = 'create' | 'update' | 'import';

export const VILLAGE_FIELDS = ['code', 'townCode', 'name', 'kind', 'surveyStatus', 'surveyedOn', 'dissolvedOn', 'notes'] as const;
export const SERVICE_POINT_FIELDS = [
  'code',
  'name',
  'kind',
  'townCode',
  'mode',
  'upstreamId',
  'operator',
  'brands',
  'takesOutgoing',
  'openingHours',
  'staff',
  'videoMonitoring',
  'coldChain',
  'openedOn',
  'closedOn',
  'address',
  'contact',
  'notes',
  'villageIds',
] as const;

export function villageRecord(r: VillageRow): VillageRecord {
  return {
    code: r.code,
    townCode: r.townCode,
    name: r.name,
    kind: r.kind,
    surveyStatus: r.surveyStatus,
    surveyedOn: r.surveyedOn,
    dissolvedOn: r.dissolvedOn,
    notes: r.notes,
  };
}

export function toVillageView(r: VillageRow): VillageView {
  return {
    id: r.id,
    ...villageRecord(r),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    updatedAt: r.updatedAt.toISOString(),
    updatedBy: r.updatedBy,
  };
}

export function servicePointRecord(r: ServicePointRow, villageIds: readonly string[]): ServicePointRecord {
  return {
    code: r.code,
    name: r.name,
    kind: r.kind,
    townCode: r.townCode,
    mode: r.mode,
    upstreamId: r.upstreamId,
    operator: r.operator,
    brands: [...r.brands],
    takesOutgoing: r.takesOutgoing,
    openingHours: r.openingHours,
    staff: r.staff,
    videoMonitoring: r.videoMonitoring,
    coldChain: r.coldChain,
    openedOn: r.openedOn,
    closedOn: r.closedOn,
    address: r.address,
    contact: r.contact,
    notes: r.notes,
    villageIds: [...villageIds].sort(),
  };
}

export function toServicePointView(r: ServicePointRow, villageIds: readonly string[]): ServicePointView {
  return {
    id: r.id,
    ...servicePointRecord(r, villageIds),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    updatedAt: r.updatedAt.toISOString(),
    updatedBy: r.updatedBy,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Names of the fields that differ between two records (arrays compared as given: keep them sorted). */
export function changedFields<T extends Record<string, unknown>>(before: T | null, after: T, fields: readonly (keyof T & string)[]): string[] {
  if (!before) return [];
  return fields.filter((f) => !same(before[f] ?? null, after[f] ?? null));
}

export async function appendVillageVersion(tx: Tx, ctx: Ctx, row: VillageRow, change: Change, importId: string | null = null): Promise<void> {
  await tx.insert(villageVersions).values({
    villageId: row.id,
    version: row.version,
    changedAt: row.updatedAt,
    changedBy: ctx.actor.label,
    change,
    importId,
    record: villageRecord(row),
  });
}

export async function appendServicePointVersion(
  tx: Tx,
  ctx: Ctx,
  row: ServicePointRow,
  villageIds: readonly string[],
  change: Change,
  importId: string | null = null,
): Promise<void> {
  await tx.insert(servicePointVersions).values({
    servicePointId: row.id,
    version: row.version,
    changedAt: row.updatedAt,
    changedBy: ctx.actor.label,
    change,
    importId,
    record: servicePointRecord(row, villageIds),
  });
}

/** The villages each service point serves, for the given points (all when `ids` is omitted). */
export async function villageIdsByPoint(db: Ctx['db'] | Tx, ids?: readonly string[]): Promise<Map<string, string[]>> {
  if (ids && ids.length === 0) return new Map();
  const rows = rowsOf<{ service_point_id: string; village_id: string }>(
    await db.execute(sql`
      SELECT service_point_id::text AS service_point_id, village_id::text AS village_id FROM service_point_villages
      ${
        ids
          ? sql`WHERE service_point_id IN (${sql.join(
              ids.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`
          : sql``
      }
      ORDER BY village_id`),
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.service_point_id);
    if (list) list.push(r.village_id);
    else out.set(r.service_point_id, [r.village_id]);
  }
  return out;
}

export type NetworkFacts = {
  villages: (VillageFacts & { code: string; name: string })[];
  points: (PointFacts & { code: string; townCode: string | null })[];
};

/**
 * Everything the coverage rule needs, in three small queries. A county has ~642 villages and a
 * few hundred service points, so reads compute coverage in memory on every request: no tallies
 * are maintained for it (unlike the parcel ledger), and there is no cache to keep in step.
 */
export async function loadNetworkFacts(db: Ctx['db'] | Tx): Promise<NetworkFacts> {
  const [villageRows, pointRows, links] = await Promise.all([
    db.execute(
      sql`SELECT id::text AS id, code, name, town_code, kind, survey_status, dissolved_on::text AS dissolved_on FROM villages ORDER BY town_code, code`,
    ),
    db.execute(
      sql`SELECT id::text AS id, code, kind, town_code, mode, brands, opened_on::text AS opened_on, closed_on::text AS closed_on FROM service_points ORDER BY code`,
    ),
    db.execute(sql`SELECT service_point_id::text AS point_id, village_id::text AS village_id FROM service_point_villages`),
  ]);
  const points = rowsOf<{
    id: string;
    code: string;
    kind: PointFacts['kind'];
    town_code: string | null;
    mode: PointFacts['mode'];
    brands: string[] | string;
    opened_on: string;
    closed_on: string | null;
  }>(pointRows).map((p) => ({
    id: p.id,
    code: p.code,
    kind: p.kind,
    townCode: p.town_code,
    mode: p.mode,
    brands: parseTextArray(p.brands),
    openedOn: p.opened_on,
    closedOn: p.closed_on,
  }));
  const pointById = new Map(points.map((p) => [p.id, p]));
  const servedBy = new Map<string, PointFacts[]>();
  for (const l of rowsOf<{ point_id: string; village_id: string }>(links)) {
    const p = pointById.get(l.point_id)!;
    const list = servedBy.get(l.village_id);
    if (list) list.push(p);
    else servedBy.set(l.village_id, [p]);
  }
  const villagesOut = rowsOf<{
    id: string;
    code: string;
    name: string;
    town_code: string;
    kind: VillageFacts['kind'];
    survey_status: VillageFacts['surveyStatus'];
    dissolved_on: string | null;
  }>(villageRows).map((v) => ({
    id: v.id,
    code: v.code,
    name: v.name,
    townCode: v.town_code,
    kind: v.kind,
    surveyStatus: v.survey_status,
    dissolvedOn: v.dissolved_on,
    servedBy: servedBy.get(v.id) ?? [],
  }));
  return { villages: villagesOut, points };
}

/** A text[] as either driver returns it from raw SQL: an array, or the literal '{a,b}'. */
export function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
}
