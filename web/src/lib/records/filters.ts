import type { Role } from '$contracts/accounts.ts';
import { allows, type Permission } from '$contracts/permissions.ts';
import { appNow } from '$lib/clock.ts';
import { businessDate } from '$lib/i18n/format.ts';

// The records page's state lives in its URL, so a filtered view can be bookmarked or linked to
// (the reconciliation page links here). Pure functions: no runes, no fetching.

export const TABS = ['pickups', 'packaging', 'storage', 'carrier'] as const;
export type Tab = (typeof TABS)[number];
/** The tabs that list ledger records (paged, voidable); the carrier tab shows one day's cells. */
export type ListTab = Exclude<Tab, 'carrier'>;

export type Filters = {
  tab: Tab;
  project: string;
  town: string;
  carrier: string;
  coop: string;
  from: string;
  to: string;
  /** Show voided records (struck through) beside the valid ones. */
  voided: boolean;
};

export type FilterField = Exclude<keyof Filters, 'tab'>;

export const EMPTY: Filters = { tab: 'pickups', project: '', town: '', carrier: '', coop: '', from: '', to: '', voided: true };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOWN = /^\d{9}$/;
const CODE = /^[a-z][a-z0-9_-]{0,31}$/;

/** Which filters each kind of record can be narrowed by (the API refuses the others). */
export const APPLIES: Record<Tab, readonly FilterField[]> = {
  pickups: ['project', 'town', 'carrier', 'coop', 'from', 'to', 'voided'],
  packaging: ['project', 'town', 'coop', 'from', 'to', 'voided'],
  storage: ['project', 'town', 'coop', 'from', 'to', 'voided'],
  carrier: ['project', 'town', 'carrier', 'to'],
};

/** What reading each tab takes, from the server's permission table. */
const READ: Record<Tab, Permission> = { pickups: 'pickup.read', packaging: 'packagingRun.read', storage: 'storageMovement.read', carrier: 'carrierCell.read' };

/** The tabs this role may read: a tab the API would refuse is not shown. */
export function tabsFor(role: Role | null): readonly Tab[] {
  return TABS.filter((tab) => allows(role, READ[tab]));
}

/** Filters that mean nothing to this account: its own cooperative, or its own carrier. */
export function hiddenFor(role: Role | null): readonly FilterField[] {
  if (role === 'cooperative') return ['coop'];
  if (role === 'carrier') return ['carrier'];
  return [];
}

/** Reads the filters from a URL, dropping anything malformed rather than sending it on. */
export function readFilters(params: URLSearchParams): Filters {
  const pick = (name: string, re: RegExp) => {
    const v = params.get(name) ?? '';
    return re.test(v) ? v : '';
  };
  const tab = params.get('tab');
  return {
    tab: (TABS as readonly string[]).includes(tab ?? '') ? (tab as Tab) : 'pickups',
    project: pick('project', UUID),
    town: pick('town', TOWN),
    carrier: pick('carrier', CODE),
    coop: pick('coop', UUID),
    from: pick('from', DATE),
    to: pick('to', DATE),
    voided: params.get('voided') !== '0',
  };
}

/** The query string for these filters, defaults left out (so the plain page stays `/records`). */
export function filtersQuery(f: Filters): string {
  const q = new URLSearchParams();
  if (f.tab !== 'pickups') q.set('tab', f.tab);
  for (const key of ['project', 'town', 'carrier', 'coop', 'from', 'to'] as const) if (f[key]) q.set(key, f[key]);
  if (!f.voided) q.set('voided', '0');
  return q.toString();
}

export function recordsHref(f: Partial<Filters>): string {
  const q = filtersQuery({ ...EMPTY, ...f });
  return q ? `/records?${q}` : '/records';
}

export const datesBackwards = (f: Filters) => f.from !== '' && f.to !== '' && f.to < f.from;

/** The API query of a list tab: only the filters it takes, the voided choice spelt as the API does. */
export function listQuery(tab: ListTab, f: Filters, cursor: string | null, limit: number): string {
  const q = new URLSearchParams();
  const applies = APPLIES[tab];
  if (f.project) q.set('projectId', f.project);
  if (f.town) q.set('townCode', f.town);
  if (f.carrier && applies.includes('carrier')) q.set('carrierCode', f.carrier);
  if (f.coop) q.set('cooperativeId', f.coop);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  q.set('voided', f.voided ? 'include' : 'exclude');
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

/** The one day the carrier tab shows: the end of the range, else its start, else today (Shanghai). */
export function carrierDay(f: Filters, now: number = appNow()): string {
  return f.to || f.from || businessDate(now);
}

/** The API query of the carrier tab; a project narrows it to its product (and its town, for a town project). */
export function carrierQuery(f: Filters, project: { productCode: string; townCode: string | null } | undefined, now?: number): string {
  const q = new URLSearchParams({ date: carrierDay(f, now) });
  const town = f.town || project?.townCode || '';
  if (town) q.set('townCode', town);
  if (f.carrier) q.set('carrierCode', f.carrier);
  if (project) q.set('productCode', project.productCode);
  return q.toString();
}
