import type { MeView } from '$contracts/accounts.ts';
import type { CarrierVolumeCellView } from '$contracts/carrier-import.ts';
import type { PickupView } from '$contracts/ledger.ts';
import type { PackagingRunRecord, StorageMovementRecord } from '$contracts/records.ts';
import { grouped } from '$lib/i18n/format.ts';
import type { I18n, MessageKey } from '$lib/i18n/index.svelte.ts';
import type { Lookups } from './lookups.svelte.ts';
import { actorName } from './permissions.ts';

// What each kind of record shows, column by column. Figures are exact (grouped, never rounded
// to 万件): a record is checked against a paper slip or a carrier's sheet, parcel by parcel.

export type Column<T> = {
  key: string;
  label: MessageKey;
  cell: (row: T) => string;
  /** A second, smaller line under the value (a village under its town, a variety under its product). */
  sub?: (row: T) => string | null;
  num?: boolean;
};

/** Kilograms to the gram, trailing zeros dropped: "1,000.125", "1,000.5", "1,000". */
export const kg = (n: number) => grouped(n, 3).replace(/\.?0+$/, '');

type Ctx = { i18n: I18n; lookups: Lookups; me: MeView | null | undefined };

const when = (i18n: I18n, instant: string) => i18n.time(instant, { withDate: true, seconds: false });
const townName = ({ i18n, lookups }: Ctx, code: string) => {
  const t = lookups.town(code);
  return t ? i18n.name(t) : code;
};
const carrierName = ({ i18n, lookups }: Ctx, code: string) => {
  const c = lookups.carrier(code);
  return c ? i18n.name(c) : code;
};
const productName = ({ i18n, lookups }: Ctx, code: string) => {
  const p = lookups.product(code);
  return p ? i18n.name(p) : code;
};
const coopName = ({ lookups }: Ctx, id: string) => lookups.cooperative(id)?.name ?? id.slice(0, 8);

export function pickupColumns(c: Ctx): Column<PickupView>[] {
  return [
    { key: 'time', label: 'records.col.time', cell: (r) => when(c.i18n, r.pickedUpAt) },
    { key: 'town', label: 'records.col.town', cell: (r) => townName(c, r.townCode), sub: (r) => r.village },
    { key: 'coop', label: 'records.col.coop', cell: (r) => coopName(c, r.cooperativeId) },
    { key: 'carrier', label: 'records.col.carrier', cell: (r) => carrierName(c, r.carrierCode) },
    { key: 'product', label: 'records.col.product', cell: (r) => productName(c, r.productCode), sub: (r) => r.variety },
    { key: 'parcels', label: 'records.col.parcels', cell: (r) => grouped(r.parcels), num: true },
    { key: 'weight', label: 'records.col.weight', cell: (r) => (r.weightKg === null ? '—' : kg(r.weightKg)), num: true },
    { key: 'by', label: 'records.col.recordedBy', cell: (r) => actorName(r.recordedBy, c.me) },
  ];
}

export function packagingColumns(c: Ctx): Column<PackagingRunRecord>[] {
  return [
    { key: 'time', label: 'records.col.time', cell: (r) => when(c.i18n, r.packedAt) },
    { key: 'coop', label: 'records.col.coop', cell: (r) => coopName(c, r.cooperativeId) },
    { key: 'town', label: 'records.col.town', cell: (r) => townName(c, r.townCode) },
    { key: 'product', label: 'records.col.product', cell: (r) => productName(c, r.productCode) },
    { key: 'package', label: 'records.col.packageType', cell: (r) => r.packageType },
    { key: 'parcels', label: 'records.col.parcels', cell: (r) => grouped(r.parcels), num: true },
    { key: 'fruit', label: 'records.col.fruitKg', cell: (r) => kg(r.fruitKg), num: true },
    { key: 'by', label: 'records.col.recordedBy', cell: (r) => actorName(r.recordedBy, c.me) },
  ];
}

export function storageColumns(c: Ctx): Column<StorageMovementRecord>[] {
  return [
    { key: 'time', label: 'records.col.time', cell: (r) => when(c.i18n, r.movedAt) },
    { key: 'facility', label: 'records.col.facility', cell: (r) => r.facilityName, sub: (r) => townName(c, r.townCode) },
    { key: 'direction', label: 'records.col.direction', cell: (r) => c.i18n.t(`records.direction.${r.direction}`) },
    { key: 'product', label: 'records.col.product', cell: (r) => productName(c, r.productCode) },
    { key: 'weight', label: 'records.col.weight', cell: (r) => kg(r.weightKg), num: true },
    { key: 'lot', label: 'records.col.lot', cell: (r) => r.lot ?? '—' },
    { key: 'by', label: 'records.col.recordedBy', cell: (r) => actorName(r.recordedBy, c.me) },
  ];
}

export type CarrierCell = CarrierVolumeCellView & { id: string };

export function carrierColumns(c: Ctx): Column<CarrierCell>[] {
  return [
    { key: 'town', label: 'records.col.town', cell: (r) => townName(c, r.townCode) },
    { key: 'carrier', label: 'records.col.carrier', cell: (r) => carrierName(c, r.carrierCode) },
    { key: 'product', label: 'records.col.product', cell: (r) => productName(c, r.productCode) },
    {
      key: 'reported',
      label: 'records.col.reported',
      cell: (r) => (r.reportedParcels === null ? c.i18n.t('records.notReported') : grouped(r.reportedParcels)),
      num: true,
    },
    { key: 'logged', label: 'records.col.logged', cell: (r) => grouped(r.loggedParcels), num: true },
    {
      key: 'difference',
      label: 'records.col.difference',
      num: true,
      cell: (r) => (r.reportedParcels === null ? '—' : signed(r.loggedParcels - r.reportedParcels)),
    },
    { key: 'revision', label: 'records.col.revision', cell: (r) => String(r.revision), num: true },
    {
      key: 'reportedAt',
      label: 'records.col.reportedAt',
      cell: (r) => (r.reportedAt ? when(c.i18n, r.reportedAt) : '—'),
      sub: (r) => (r.reportedBy ? actorName(r.reportedBy, c.me) : null),
    },
  ];
}

/** A difference with its sign: "+120", "−35", "0". */
export const signed = (n: number) => (n > 0 ? `+${grouped(n)}` : n < 0 ? `−${grouped(-n)}` : '0');
