import { CarrierList, ProductList, TownList, type CarrierView, type ProductView, type TownView } from '$contracts/reference.ts';
import { api } from '$lib/api/client.ts';

export type Reference = { towns: TownView[]; carriers: CarrierView[]; products: ProductView[] };

export const loadTowns = async () => (await api('/towns', TownList)).items;
export const loadCarriers = async () => (await api('/carriers', CarrierList)).items;
export const loadProducts = async () => (await api('/products', ProductList)).items;

/** A code's display name from a reference list, or the code itself while the list is loading. */
export function nameOf(
  list: readonly { code: string; name: string; nameEn?: string | null }[],
  code: string | null,
  name: (x: { name: string; nameEn?: string | null }) => string,
): string {
  if (code === null) return '';
  const item = list.find((x) => x.code === code);
  return item ? name(item) : code;
}
