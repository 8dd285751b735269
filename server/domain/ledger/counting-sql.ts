import { sql, type SQL } from 'drizzle-orm';
import type { ProjectScope } from './counting.ts';

// The rules of counting.ts as SQL fragments, for the statements that keep the tallies (in the
// same statement as the ledger write) and the ones that check or list them. Every statement that
// needs a rule splices it from here; tests/api/counting-rule.test.ts checks that each fragment
// computes what its TypeScript twin computes.
//
// A cell alias names a row shaped like volume_cells: product_code, business_date, town_code,
// logged_parcels, reported_parcels. A projects alias names a row shaped like projects.

/** Aliases are spliced as raw SQL, so only plain identifiers (written in code, never input) pass. */
function column(alias: string, name: string): SQL {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not an SQL alias: ${alias}`);
  return sql.raw(`${alias}.${name}`);
}

/** The carrier has reported the cell: its figure is confirmed and the logged pickups no longer count. */
export const isConfirmedCellSql = (cell: string): SQL => sql`${column(cell, 'reported_parcels')} IS NOT NULL`;

/** The carrier has not reported the cell: the logged pickups count, so a change to them moves the tallies. */
export const isProvisionalCellSql = (cell: string): SQL => sql`${column(cell, 'reported_parcels')} IS NULL`;

/** The cell's confirmed parcels (countCell(…).confirmed). */
export const confirmedSql = (cell: string): SQL => sql`coalesce(${column(cell, 'reported_parcels')}, 0)`;

/** The cell's provisional parcels (countCell(…).provisional). */
export const provisionalSql = (cell: string): SQL => sql`CASE WHEN ${isProvisionalCellSql(cell)} THEN ${column(cell, 'logged_parcels')} ELSE 0 END`;

/** needsReconciliation: never null, so it can be selected as well as filtered on. */
export const needsReconciliationSql = (cell: string): SQL =>
  sql`${isConfirmedCellSql(cell)} AND ${column(cell, 'logged_parcels')} > ${column(cell, 'reported_parcels')}`;

/** Where a row's product, business date and town are: a cell alias, or the columns of a ledger row and its joins. */
export type PlaceColumns = { product: SQL; date: SQL; town: SQL };

function placeOf(cell: string | PlaceColumns): PlaceColumns {
  if (typeof cell !== 'string') return cell;
  return { product: column(cell, 'product_code'), date: column(cell, 'business_date'), town: column(cell, 'town_code') };
}

/** inProjectPeriod: `date` lies in the period of the projects row `project`, first and last day included. */
export const inProjectPeriodSql = (project: string, date: SQL): SQL => sql`${date} BETWEEN ${column(project, 'starts_on')} AND ${column(project, 'ends_on')}`;

/**
 * inProjectScope as a join condition between a projects row and a cell. Kept as plain equality
 * and a BETWEEN on the cell's date, so the product/period index on projects still applies.
 */
export function inProjectScopeSql(project: string, cell: string | PlaceColumns): SQL {
  const c = placeOf(cell);
  const p = (name: string) => column(project, name);
  return sql`${p('product_code')} = ${c.product} AND ${inProjectPeriodSql(project, c.date)} AND (${p('town_code')} IS NULL OR ${p('town_code')} = ${c.town})`;
}

/**
 * inProjectScope for one project already read: its figures bound as parameters. A county project
 * gets no town test at all rather than an `$n IS NULL OR …`, which a generic plan cannot drop.
 */
export function inKnownProjectScopeSql(project: ProjectScope, cell: string | PlaceColumns): SQL {
  const c = placeOf(cell);
  const parts = [sql`${c.product} = ${project.productCode}`, sql`${c.date} BETWEEN ${project.startsOn}::date AND ${project.endsOn}::date`];
  if (project.townCode !== null) parts.push(sql`${c.town} = ${project.townCode}`);
  return sql.join(parts, sql` AND `);
}
