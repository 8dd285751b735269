import { z } from 'zod';

// What the forms start with next time: the last cooperative, town, carrier, product, facility…
// chosen on this device by this account. Quick repeat entry at a farm gate depends on it.

export const EntryTab = z.enum(['pickup', 'packaging', 'storage']);
export type EntryTab = z.infer<typeof EntryTab>;

const Defaults = z.object({
  tab: EntryTab.optional(),
  cooperativeId: z.string().optional(),
  townCode: z.string().optional(),
  carrierCode: z.string().optional(),
  productCode: z.string().optional(),
  variety: z.string().optional(),
  packageType: z.string().optional(),
  facilityId: z.string().optional(),
  direction: z.enum(['in', 'out']).optional(),
});
export type EntryDefaults = z.infer<typeof Defaults>;

const key = (owner: string) => `guoyun.entry.defaults.v1.${owner}`;

export function loadDefaults(owner: string): EntryDefaults {
  try {
    const parsed = Defaults.safeParse(JSON.parse(localStorage.getItem(key(owner)) ?? '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function saveDefaults(owner: string, patch: EntryDefaults): void {
  try {
    const next = { ...loadDefaults(owner), ...patch };
    for (const k of Object.keys(next) as (keyof EntryDefaults)[]) if (next[k] === '' || next[k] === undefined) delete next[k];
    localStorage.setItem(key(owner), JSON.stringify(next));
  } catch {
    // Storage disabled or full: the forms just start blank next time.
  }
}
