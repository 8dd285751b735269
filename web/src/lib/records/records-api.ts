import { CarrierVolumeDay } from '$contracts/carrier-import.ts';
import {
  PackagingRunPage,
  PackagingRunVoidResult,
  PickupPage,
  PickupVoidResult,
  StorageMovementPage,
  StorageMovementVoidResult,
  type PackagingRunRecord,
  type StorageMovementRecord,
} from '$contracts/records.ts';
import type { PickupView } from '$contracts/ledger.ts';
import { api } from '$lib/api/client.ts';
import { carrierQuery, listQuery, type Filters, type ListTab } from './filters.ts';

// The records section's calls to the API, each answer parsed with its contract.

export type RecordOf = { pickups: PickupView; packaging: PackagingRunRecord; storage: StorageMovementRecord };
export type AnyRecord = RecordOf[ListTab];
export type Page<T> = { items: T[]; nextCursor: string | null };

export const PAGE_SIZE = 50;

/** The record a void dialog is open for, and how it is described to the person voiding it. */
export type VoidTarget = { tab: ListTab; id: string; what: string };

const PATHS: Record<ListTab, string> = { pickups: '/pickups', packaging: '/packaging-runs', storage: '/storage-movements' };

export async function fetchPage(tab: ListTab, f: Filters, cursor: string | null, signal?: AbortSignal): Promise<Page<AnyRecord>> {
  const path = `${PATHS[tab]}?${listQuery(tab, f, cursor, PAGE_SIZE)}`;
  if (tab === 'pickups') return api(path, PickupPage, { signal });
  if (tab === 'packaging') return api(path, PackagingRunPage, { signal });
  return api(path, StorageMovementPage, { signal });
}

/** Voids a record; `voided: false` when it had already been voided (the answer carries that reversal). */
export async function voidRecord(tab: ListTab, id: string, reason: string): Promise<{ voided: boolean; record: AnyRecord }> {
  const path = `${PATHS[tab]}/${encodeURIComponent(id)}/void`;
  const body = { reason };
  if (tab === 'pickups') {
    const r = await api(path, PickupVoidResult, { method: 'POST', body });
    return { voided: r.voided, record: r.pickup };
  }
  if (tab === 'packaging') {
    const r = await api(path, PackagingRunVoidResult, { method: 'POST', body });
    return { voided: r.voided, record: r.run };
  }
  const r = await api(path, StorageMovementVoidResult, { method: 'POST', body });
  return { voided: r.voided, record: r.movement };
}

export function fetchCarrierDay(
  f: Filters,
  project: { productCode: string; townCode: string | null } | undefined,
  signal?: AbortSignal,
): Promise<CarrierVolumeDay> {
  return api(`/carrier-volumes?${carrierQuery(f, project)}`, CarrierVolumeDay, { signal });
}
