import { z } from 'zod';
import {
  CooperativeInput,
  CooperativeList,
  CooperativeView,
  StorageFacilityInput,
  StorageFacilityList,
  StorageFacilityView,
} from '$contracts/organizations.ts';
import { api } from '$lib/api/client.ts';
import { parseNumber } from '$rules/parse-number.ts';

export type NewCooperative = z.input<typeof CooperativeInput>;
export type NewFacility = z.input<typeof StorageFacilityInput>;

export const listCooperatives = async () => (await api('/cooperatives', CooperativeList)).items;
export const createCooperative = (input: NewCooperative) => api('/cooperatives', CooperativeView, { method: 'POST', body: input });
export const listFacilities = async () => (await api('/storage-facilities', StorageFacilityList)).items;
export const createFacility = (input: NewFacility) => api('/storage-facilities', StorageFacilityView, { method: 'POST', body: input });

/**
 * Capacity typed in tonnes, sent in kilograms (to the gram, as the API stores it), read as every
 * number field is ("1,200" is 1200 t; "1,2" is no figure). Anything that is not a figure goes as
 * typed, so the API's message lands beside the field.
 */
export function capacityKg(tonnes: string): number | undefined {
  const s = tonnes.trim();
  if (s === '') return undefined;
  const t = parseNumber(s, { maxDecimals: 6, min: 0 });
  return t.ok ? Math.round(t.value * 1_000_000) / 1000 : (s as unknown as number);
}

/** Cooperatives grouped by town in the reference order, for pickers (`<optgroup>` per town). */
export function byTown<T extends { townCode: string; name: string }>(items: readonly T[], townOrder: readonly string[]): { townCode: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))) {
    const list = groups.get(item.townCode) ?? [];
    list.push(item);
    groups.set(item.townCode, list);
  }
  const rank = (code: string) => (townOrder.includes(code) ? townOrder.indexOf(code) : townOrder.length);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)).map(([townCode, items]) => ({ townCode, items }));
}
