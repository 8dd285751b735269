import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import type { ErrorIssue } from '../../contracts/common.ts';
import type { ServicePointRecord } from '../../contracts/network.ts';
import type { Reference } from '../reference/load-reference.ts';

/** What the rules need to know of another point: the upstream named, or one that names this point. */
export type PointLink = {
  id: string;
  code: string;
  kind: ServicePointRecord['kind'];
  townCode: string | null;
  mode: ServicePointRecord['mode'];
  upstreamId: string | null;
};

// The tiers: a village station hands its parcels to a town node, a town node to a county hub.
const UPSTREAM_KIND = { village_station: 'town_node', town_node: 'county_hub', county_hub: null } as const;

/**
 * Rules on a whole service point record that the input schema cannot see. `points` holds the
 * other points as they will be after the change (to check the upstream and the points that name
 * this one as theirs); `villageExists` tells known village ids.
 */
export function servicePointIssues(
  reference: Reference,
  id: string,
  p: ServicePointRecord,
  points: ReadonlyMap<string, PointLink>,
  villageExists: (id: string) => boolean,
): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  if (p.kind !== 'county_hub' && p.townCode === null) issues.push({ path: 'townCode', message: 'is required except for a county hub' });
  if (p.townCode !== null && !reference.townCodes.has(p.townCode)) issues.push({ path: 'townCode', message: `unknown town code "${p.townCode}"` });
  p.brands.forEach((b, i) => {
    if (!reference.carrierCodes.has(b)) issues.push({ path: `brands.${i}`, message: `unknown carrier code "${b}"` });
  });
  if (new Set(p.brands).size !== p.brands.length) issues.push({ path: 'brands', message: 'must not name a carrier twice' });
  if (p.closedOn !== null && p.closedOn <= p.openedOn)
    issues.push({ path: 'closedOn', message: 'must be after openedOn (the closing day is the first day closed)' });
  const missing = p.villageIds.filter((v) => !villageExists(v));
  if (missing.length) issues.push({ path: 'villageIds', message: `unknown village${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` });

  if (p.mode === 'proxy') {
    if (p.kind !== 'village_station')
      issues.push({ path: 'mode', message: 'a villager proxy (村民代办) is a village-level point: kind must be village_station' });
    if (p.upstreamId === null) issues.push({ path: 'upstreamId', message: 'is required for a villager proxy: the town service centre it works through' });
  }
  if (p.upstreamId !== null) {
    const up = points.get(p.upstreamId);
    const wanted = UPSTREAM_KIND[p.kind];
    if (p.upstreamId === id) issues.push({ path: 'upstreamId', message: 'must not be the point itself' });
    else if (!up) issues.push({ path: 'upstreamId', message: 'unknown service point' });
    else if (wanted === null) issues.push({ path: 'upstreamId', message: 'a county hub has no upstream point' });
    else if (up.kind !== wanted) issues.push({ path: 'upstreamId', message: `must be a ${wanted} (it is a ${up.kind})` });
    else if (p.mode === 'proxy' && up.townCode !== p.townCode) issues.push({ path: 'upstreamId', message: "must be the proxy's own town service centre" });
  }
  // Points that hand their parcels to this one must still find the right kind (and a proxy its own town).
  for (const other of points.values()) {
    if (other.upstreamId !== id || other.id === id) continue;
    const wanted = UPSTREAM_KIND[other.kind];
    if (wanted !== p.kind) issues.push({ path: 'kind', message: `${other.code} hands its parcels to this point and needs a ${wanted}` });
    else if (other.mode === 'proxy' && other.townCode !== p.townCode)
      issues.push({ path: 'townCode', message: `villager proxy ${other.code} works through this point and is in another town` });
  }
  return issues;
}

/** A service point's record from its input, with the defaults filled in and the lists in a stable order (brands as the reference lists carriers). */
export function servicePointRecordFrom(
  reference: Reference,
  input: {
    code: string;
    name: string;
    kind: ServicePointRecord['kind'];
    townCode?: string | null;
    mode: ServicePointRecord['mode'];
    upstreamId?: string | null;
    operator: string;
    brands: string[];
    takesOutgoing: boolean;
    openingHours?: string | null;
    staff?: number | null;
    videoMonitoring?: boolean;
    coldChain?: boolean;
    openedOn: string;
    closedOn?: string | null;
    address?: string | null;
    contact?: string | null;
    notes?: string | null;
    villageIds?: string[];
  },
): ServicePointRecord {
  return {
    code: input.code,
    name: input.name,
    kind: input.kind,
    townCode: input.townCode ?? null,
    mode: input.mode,
    upstreamId: input.upstreamId ?? null,
    operator: input.operator,
    brands: orderBrands(reference, input.brands),
    takesOutgoing: input.takesOutgoing,
    openingHours: input.openingHours ?? null,
    staff: input.staff ?? null,
    videoMonitoring: input.videoMonitoring ?? false,
    coldChain: input.coldChain ?? false,
    openedOn: input.openedOn,
    closedOn: input.closedOn ?? null,
    address: input.address ?? null,
    contact: input.contact ?? null,
    notes: input.notes ?? null,
    villageIds: [...new Set(input.villageIds ?? [])].sort(),
  };
}

export function orderBrands(reference: Reference, brands: readonly string[]): string[] {
  const order = new Map(reference.carriers.map((c, i) => [c.code, i]));
  return [...brands].sort((a, b) => (order.get(a) ?? 999) - (order.get(b) ?? 999) || a.localeCompare(b));
}

/** Every service point as the rules see it. */
export async function loadPointLinks(db: { execute: (q: SQL) => Promise<unknown> }): Promise<Map<string, PointLink>> {
  const rows = rowsOf<{ id: string; code: string; kind: PointLink['kind']; town_code: string | null; mode: PointLink['mode']; upstream_id: string | null }>(
    await db.execute(sql`SELECT id::text AS id, code, kind, town_code, mode, upstream_id::text AS upstream_id FROM service_points`),
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, code: r.code, kind: r.kind, townCode: r.town_code, mode: r.mode, upstreamId: r.upstream_id }]));
}
