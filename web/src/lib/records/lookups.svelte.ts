import { CooperativeList, type CooperativeView } from '$contracts/organizations.ts';
import { ProjectList, type ProjectView } from '$contracts/projects.ts';
import { CarrierList, ProductList, TownList, type CarrierView, type ProductView, type TownView } from '$contracts/reference.ts';
import { api, ApiError } from '$lib/api/client.ts';

/**
 * The names the records pages show in place of codes and ids, and the choices of their
 * filters: loaded once per page. Until they arrive, codes are shown as they are.
 */
export class Lookups {
  towns = $state.raw<TownView[]>([]);
  carriers = $state.raw<CarrierView[]>([]);
  products = $state.raw<ProductView[]>([]);
  cooperatives = $state.raw<CooperativeView[]>([]);
  projects = $state.raw<ProjectView[]>([]);
  loaded = $state(false);
  failed = $state(false);

  #town = $derived(new Map(this.towns.map((t) => [t.code, t])));
  #carrier = $derived(new Map(this.carriers.map((c) => [c.code, c])));
  #product = $derived(new Map(this.products.map((p) => [p.code, p])));
  #coop = $derived(new Map(this.cooperatives.map((c) => [c.id, c])));
  #project = $derived(new Map(this.projects.map((p) => [p.id, p])));

  async load(): Promise<void> {
    try {
      [this.towns, this.carriers, this.products, this.cooperatives, this.projects] = await Promise.all([
        api('/towns', TownList).then((r) => r.items),
        api('/carriers', CarrierList).then((r) => r.items),
        api('/products', ProductList).then((r) => r.items),
        api('/cooperatives', CooperativeList).then((r) => r.items),
        api('/projects', ProjectList).then((r) => r.items),
      ]);
      this.loaded = true;
      this.failed = false;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) this.failed = true;
    }
  }

  town = (code: string) => this.#town.get(code);
  carrier = (code: string) => this.#carrier.get(code);
  product = (code: string) => this.#product.get(code);
  cooperative = (id: string) => this.#coop.get(id);
  project = (id: string) => this.#project.get(id);
}
