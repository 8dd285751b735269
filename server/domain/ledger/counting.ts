/**
 * The counting rule and the project scope, as plain functions over plain facts: no database, no
 * clock. `counting-sql.ts` states the same rules as SQL fragments for the statements that keep
 * and check the tallies; tests/api/counting-rule.test.ts holds the two to agreement.
 *
 * A cell is business date × town × carrier × product. Once the carrier has reported a figure for
 * the cell, that figure counts ("confirmed") and the cooperatives' logged pickups do not; until
 * then the logged pickups count ("provisional"). A cell never counts both.
 *
 * Dates are YYYY-MM-DD strings within the contracts' calendar, which compare correctly as strings.
 */
export type CellState = { logged: number; reported: number | null };
export type CellCount = { counted: number; confirmed: number; provisional: number };

export function countCell(cell: CellState): CellCount {
  if (cell.reported !== null) return { counted: cell.reported, confirmed: cell.reported, provisional: 0 };
  return { counted: cell.logged, confirmed: 0, provisional: cell.logged };
}

export function cellCountDelta(before: CellState, after: CellState): { confirmed: number; provisional: number } {
  const a = countCell(before);
  const b = countCell(after);
  return { confirmed: b.confirmed - a.confirmed, provisional: b.provisional - a.provisional };
}

/** Cooperatives logged more than the carrier reported: someone's numbers need checking. */
export function needsReconciliation(cell: CellState): boolean {
  return cell.reported !== null && cell.logged > cell.reported;
}

/** What decides which cells a parcel project counts: its product, its period and, for a town project, its town. */
export type ProjectScope = { productCode: string; startsOn: string; endsOn: string; townCode: string | null };
export type CellPlace = { productCode: string; date: string; townCode: string };

/** The period includes both its first and its last day. */
export function inProjectPeriod(project: Pick<ProjectScope, 'startsOn' | 'endsOn'>, date: string): boolean {
  return project.startsOn <= date && date <= project.endsOn;
}

/**
 * A change to `productCode`'s cells on `date` in towns not named (a change notice carries only
 * product and days) may move this project's figures. Errs towards yes for a town project.
 */
export function mayTouchProject(project: ProjectScope, productCode: string, date: string): boolean {
  return project.productCode === productCode && inProjectPeriod(project, date);
}

/** The cell counts toward the project: a county-wide project (no town) takes every town's cells. */
export function inProjectScope(project: ProjectScope, cell: CellPlace): boolean {
  return mayTouchProject(project, cell.productCode, cell.date) && (project.townCode === null || project.townCode === cell.townCode);
}
