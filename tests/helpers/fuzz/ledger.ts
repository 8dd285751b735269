import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import type { Ctx } from '../../../server/domain/context.ts';

// The data a refused request must leave alone: the ledger, its tallies, the organisations,
// projects, accounts and the network. Not the audit trail, login failures or sessions, which a
// refusal may rightly add to; nor a token's last-use stamp, which authenticating updates.
export const WATCHED_TABLES = [
  'pickups',
  'pickup_reversals',
  'packaging_runs',
  'storage_movements',
  'carrier_volume_revisions',
  'volume_cells',
  'project_rollups',
  'storage_stock',
  'cooperatives',
  'storage_facilities',
  'projects',
  'users',
  'api_tokens',
  'briefings',
  'villages',
  'village_versions',
  'service_points',
  'service_point_villages',
  'service_point_versions',
  'coverage_targets',
] as const;
const BOOKKEEPING: Partial<Record<(typeof WATCHED_TABLES)[number], string[]>> = { api_tokens: ['last_used_at', 'last_used_ip'] };

export type Snapshot = Record<string, { rows: number; md5: string }>;

/** Row count and an md5 of every row of each watched table (so an UPDATE shows too). */
export async function snapshot(ctx: Ctx): Promise<Snapshot> {
  const parts = WATCHED_TABLES.map((table) => {
    const row = sql.raw(`(to_jsonb(t)${(BOOKKEEPING[table] ?? []).map((c) => ` - '${c}'`).join('')})::text`);
    return sql`SELECT ${table}::text AS tbl, count(*)::int AS n, md5(coalesce(string_agg(${row}, chr(10) ORDER BY ${row}), '')) AS md5
      FROM ${sql.identifier(table)} t`;
  });
  const rows = rowsOf<{ tbl: string; n: number; md5: string }>(await ctx.db.execute(sql.join(parts, sql` UNION ALL `)));
  return Object.fromEntries(rows.map((r) => [r.tbl, { rows: Number(r.n), md5: r.md5 }]));
}

/** The tables whose content differs between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => before[k]?.rows !== after[k]?.rows || before[k]?.md5 !== after[k]?.md5);
}
