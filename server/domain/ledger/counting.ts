/**
 * The counting rule. A cell is business date × town × carrier × product.
 * Once the carrier has reported a figure for the cell, that figure counts
 * ("confirmed") and the cooperatives' logged pickups do not; until then the
 * logged pickups count ("provisional"). A cell never counts both.
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
