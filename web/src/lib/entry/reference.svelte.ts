import { z } from 'zod';
import { StockList, type StockView } from '$contracts/ledger.ts';
import { CooperativeList, StorageFacilityList, type CooperativeView, type StorageFacilityView } from '$contracts/organizations.ts';
import { CarrierList, ProductList, TownList, type CarrierView, type ProductView, type TownView } from '$contracts/reference.ts';
import { api, ApiError } from '$lib/api/client.ts';

// What the entry forms choose from. Loaded from the API and kept in localStorage, so the forms
// still fill in at a farm gate with no signal (the service worker never caches API answers).

const CACHE_KEY = 'guoyun.entry.reference.v1';
// A 401 is shown on the page as "log in again"; the layout's redirect to the login form would
// take the user away from what they are typing.
const QUIET = { quiet401: true } as const;

const Cached = z.object({
  savedAt: z.string(),
  towns: TownList.shape.items,
  carriers: CarrierList.shape.items,
  products: ProductList.shape.items,
  cooperatives: CooperativeList.shape.items,
  facilities: StorageFacilityList.shape.items,
  stock: StockList.shape.items,
});
type Cached = z.infer<typeof Cached>;

export class EntryReference {
  towns = $state.raw<TownView[]>([]);
  carriers = $state.raw<CarrierView[]>([]);
  products = $state.raw<ProductView[]>([]);
  cooperatives = $state.raw<CooperativeView[]>([]);
  facilities = $state.raw<StorageFacilityView[]>([]);
  stock = $state.raw<StockView[]>([]);
  /** When the figures were read from the server. */
  savedAt = $state<string | null>(null);
  /** network: fresh; cache: the copy kept on this device (offline); none: nothing to show yet. */
  source = $state<'network' | 'cache' | 'none'>('none');
  loading = $state(false);
  /** The API answered 401: the page asks to log in again rather than leave (records wait). */
  sessionEnded = $state(false);

  get ready(): boolean {
    return this.source !== 'none';
  }

  /** Fresh from the API, or the copy kept on this device when the API cannot be reached. */
  async load(): Promise<void> {
    // Known to be offline: the copy at once, without six requests bound to fail.
    if (typeof navigator !== 'undefined' && !navigator.onLine && this.#restore()) return;
    this.loading = true;
    try {
      const [towns, carriers, products, cooperatives, facilities, stock] = await Promise.all([
        api('/towns', TownList, QUIET),
        api('/carriers', CarrierList, QUIET),
        api('/products', ProductList, QUIET),
        api('/cooperatives', CooperativeList, QUIET),
        api('/storage-facilities', StorageFacilityList, QUIET),
        api('/stock', StockList, QUIET),
      ]);
      this.sessionEnded = false;
      this.#set(
        {
          savedAt: new Date().toISOString(),
          towns: towns.items,
          carriers: carriers.items,
          products: products.items,
          cooperatives: cooperatives.items,
          facilities: facilities.items,
          stock: stock.items,
        },
        'network',
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.sessionEnded = true;
      // The copy kept here will do; without one there is nothing to enter with.
      if (!this.#restore()) throw error;
    } finally {
      this.loading = false;
    }
  }

  /** Stock after movements were accepted; kept as it was when the API cannot be reached. */
  async refreshStock(): Promise<void> {
    try {
      this.stock = (await api('/stock', StockList, { quiet401: true })).items;
      this.savedAt = new Date().toISOString();
      this.#save();
    } catch {
      // Offline or logged out: the figures already shown stay, with their date.
    }
  }

  /** Reads the copy kept on this device (synchronously, so an offline page fills in at once). */
  restore(): boolean {
    return this.#restore();
  }

  town = (code: string | null | undefined) => this.towns.find((t) => t.code === code);
  carrier = (code: string | null | undefined) => this.carriers.find((c) => c.code === code);
  product = (code: string | null | undefined) => this.products.find((p) => p.code === code);
  cooperative = (id: string | null | undefined) => this.cooperatives.find((c) => c.id === id);
  facility = (id: string | null | undefined) => this.facilities.find((f) => f.id === id);
  stockOf = (facilityId: string, productCode: string) => this.stock.find((s) => s.facilityId === facilityId && s.productCode === productCode)?.weightKg ?? 0;

  #set(data: Cached, source: 'network' | 'cache'): void {
    this.towns = data.towns;
    this.carriers = data.carriers;
    this.products = data.products;
    this.cooperatives = data.cooperatives;
    this.facilities = data.facilities;
    this.stock = data.stock;
    this.savedAt = data.savedAt;
    this.source = source;
    if (source === 'network') this.#save();
  }

  #save(): void {
    try {
      const data: Cached = {
        savedAt: this.savedAt ?? new Date().toISOString(),
        towns: this.towns,
        carriers: this.carriers,
        products: this.products,
        cooperatives: this.cooperatives,
        facilities: this.facilities,
        stock: this.stock,
      };
      localStorage.setItem(CACHE_KEY, JSON.stringify(data));
    } catch {
      // Storage full or disabled: the page works online all the same.
    }
  }

  #restore(): boolean {
    try {
      const raw = localStorage.getItem(CACHE_KEY);
      if (!raw) return false;
      const parsed = Cached.safeParse(JSON.parse(raw));
      if (!parsed.success) return false;
      this.#set(parsed.data, 'cache');
      return true;
    } catch {
      return false;
    }
  }
}
