import type { ProjectView } from '$contracts/projects.ts';
import type { z } from 'zod';
import type { ReconciliationCell } from '$contracts/projects.ts';
import { appNow } from '$lib/clock.ts';
import { businessDate } from '$lib/i18n/format.ts';
import { recordsHref } from './filters.ts';

// The reconciliation page's pure parts: which project to open, the order of the cells, and
// the records behind a cell.

export type Cell = z.infer<typeof ReconciliationCell>;
export type Order = 'desc' | 'asc';

/** The project to show first: a running county-wide project (the apple or cherry campaign), else the latest. */
export function defaultProject(projects: readonly ProjectView[], now: number = appNow()): ProjectView | undefined {
  const today = businessDate(now);
  const running = projects.filter((p) => p.startsOn <= today && today <= p.endsOn);
  const byTier = { gold: 0, silver: 1, bronze: 2 } as const;
  const rank = (p: ProjectView) => [Number(p.townCode !== null), byTier[p.tier]];
  const best = [...running].sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1])[0];
  return best ?? [...projects].sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0];
}

/** By difference (then latest date first, then town and carrier, so equal differences keep one order). */
export function sortCells(cells: readonly Cell[], order: Order): Cell[] {
  const sign = order === 'desc' ? -1 : 1;
  return [...cells].sort(
    (a, b) =>
      sign * (a.difference - b.difference) ||
      b.date.localeCompare(a.date) ||
      a.townCode.localeCompare(b.townCode) ||
      a.carrierCode.localeCompare(b.carrierCode),
  );
}

/** The pickups behind a cell: the records page filtered to its project, day, town and carrier, voided ones shown. */
export function cellRecordsHref(projectId: string, cell: Cell): string {
  return recordsHref({ tab: 'pickups', project: projectId, town: cell.townCode, carrier: cell.carrierCode, from: cell.date, to: cell.date });
}
