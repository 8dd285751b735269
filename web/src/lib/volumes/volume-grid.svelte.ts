import { appNow } from '$lib/clock.ts';
import { CarrierVolumeDay, type CarrierVolumeCellView } from '$contracts/carrier-import.ts';
import { CarrierVolumeBatchResult, MAX_CARRIER_VOLUME_BATCH } from '$contracts/ledger.ts';
import type { ProductView, TownView } from '$contracts/reference.ts';
import { api, ApiError } from '$lib/api/client.ts';
import type { MessageKey } from '$lib/i18n/index.svelte.ts';
import { numberIssueMessage } from '$lib/i18n/number-issue.ts';
import { COUNT, numberIssue, parseNumber } from '$rules/parse-number.ts';

// One carrier's figures for one day, as a grid of towns × products: what is on record, what the
// user has typed, and saving only what changed through the batch endpoint.

export const MAX_PARCELS = 10_000_000;

export type CellIssue = { key: MessageKey; params?: Record<string, string> } | { raw: string };
export type SaveOutcome = { revised: number; unchanged: number; invalid: number; notSent: number };

export const cellKey = (townCode: string, productCode: string) => `${townCode}|${productCode}`;

/** What the user typed, as a figure: a whole number of parcels, or what is wrong with it. */
export function parseFigure(text: string): { ok: true; value: number | null } | { ok: false; issue: CellIssue } {
  if (text.trim() === '') return { ok: true, value: null };
  const parsed = parseNumber(text, { ...COUNT, max: MAX_PARCELS });
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, issue: numberIssueMessage(numberIssue(parsed)) };
}

export class VolumeGrid {
  towns = $state.raw<TownView[]>([]);
  products = $state.raw<ProductView[]>([]);
  date = $state('');
  carrierCode = $state<string | null>(null);
  /** The cells on record for the date and carrier. */
  cells = $state.raw<Map<string, CarrierVolumeCellView>>(new Map());
  /** The text in each input. */
  values = $state<Record<string, string>>({});
  issues = $state<Record<string, CellIssue>>({});
  /** Cells the last save wrote, shown as saved until the next edit. */
  saved = $state<Record<string, true>>({});
  loading = $state(false);
  loadFailed = $state(false);
  saving = $state(false);
  outcome = $state<SaveOutcome | null>(null);
  saveError = $state<MessageKey | null>(null);
  private loadSeq = 0;

  constructor(date: string, carrierCode: string | null) {
    this.date = date;
    this.carrierCode = carrierCode;
  }

  /** The figure on record, as the input shows it ('' when the carrier has reported none). */
  original(key: string): string {
    const p = this.cells.get(key)?.reportedParcels;
    return p === null || p === undefined ? '' : String(p);
  }

  logged(key: string): number {
    return this.cells.get(key)?.loggedParcels ?? 0;
  }

  isChanged(key: string): boolean {
    return (this.values[key] ?? '').trim() !== this.original(key);
  }

  get changedKeys(): string[] {
    const keys: string[] = [];
    for (const t of this.towns) for (const p of this.products) if (this.isChanged(cellKey(t.code, p.code))) keys.push(cellKey(t.code, p.code));
    return keys;
  }

  /** The figure a cell shows now (typed or on record), for the totals; nothing while it is not a figure. */
  current(key: string): number {
    const parsed = parseFigure(this.values[key] ?? '');
    return parsed.ok ? (parsed.value ?? 0) : 0;
  }

  rowTotal(townCode: string): number {
    return this.products.reduce((sum, p) => sum + this.current(cellKey(townCode, p.code)), 0);
  }

  columnTotal(productCode: string): number {
    return this.towns.reduce((sum, t) => sum + this.current(cellKey(t.code, productCode)), 0);
  }

  get total(): number {
    return this.products.reduce((sum, p) => sum + this.columnTotal(p.code), 0);
  }

  set(key: string, text: string) {
    this.values[key] = text;
    delete this.issues[key];
    delete this.saved[key];
    this.outcome = null;
    this.saveError = null;
  }

  /** Reads the day's figures for the carrier; typed figures are replaced by those on record. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.outcome = null;
    this.saveError = null;
    this.issues = {};
    this.saved = {};
    if (!this.carrierCode || !this.date) {
      this.cells = new Map();
      this.values = {};
      return;
    }
    this.loading = true;
    try {
      const q = new URLSearchParams({ date: this.date, carrierCode: this.carrierCode });
      const day = await api(`/carrier-volumes?${q}`, CarrierVolumeDay);
      if (seq !== this.loadSeq) return;
      this.cells = new Map(day.items.map((c) => [cellKey(c.townCode, c.productCode), c]));
      const values: Record<string, string> = {};
      for (const t of this.towns) for (const p of this.products) values[cellKey(t.code, p.code)] = this.original(cellKey(t.code, p.code));
      this.values = values;
      this.loadFailed = false;
    } catch (e) {
      if (seq === this.loadSeq && !(e instanceof ApiError && e.status === 401)) this.loadFailed = true;
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }

  /**
   * Sends the changed cells, and nothing else, through the batch endpoint (each cell judged on its
   * own). Cells that are not figures are flagged here and not sent. Answers the first cell with a problem.
   */
  async save(): Promise<string | null> {
    if (this.saving || !this.carrierCode) return null;
    this.outcome = null;
    this.saveError = null;
    const keys = this.changedKeys;
    const items: { key: string; item: { carrierCode: string; townCode: string; productCode: string; date: string; parcels: number } }[] = [];
    let notSent = 0;
    for (const key of keys) {
      const parsed = parseFigure(this.values[key] ?? '');
      const [townCode, productCode] = key.split('|');
      if (!parsed.ok) this.issues[key] = parsed.issue;
      // A reported figure cannot be withdrawn, only corrected (to 0 if nothing went out).
      else if (parsed.value === null) this.issues[key] = { key: 'volumes.issue.cannotClear' };
      else {
        items.push({ key, item: { carrierCode: this.carrierCode, townCode, productCode, date: this.date, parcels: parsed.value } });
        continue;
      }
      notSent++;
    }
    const firstIssue = () => keys.find((k) => this.issues[k]) ?? null;
    if (items.length === 0) {
      this.outcome = notSent ? { revised: 0, unchanged: 0, invalid: 0, notSent } : null;
      if (!notSent) this.saveError = 'volumes.grid.nothingToSave';
      return firstIssue();
    }
    this.saving = true;
    try {
      const outcome: SaveOutcome = { revised: 0, unchanged: 0, invalid: 0, notSent };
      for (let i = 0; i < items.length; i += MAX_CARRIER_VOLUME_BATCH) {
        const chunk = items.slice(i, i + MAX_CARRIER_VOLUME_BATCH);
        const res = await api('/carrier-volumes/batch', CarrierVolumeBatchResult, { method: 'POST', body: { items: chunk.map((c) => c.item) } });
        const cells = new Map(this.cells);
        for (const r of res.results) {
          const { key } = chunk[r.index];
          if (r.status === 'invalid' || !r.volume) {
            outcome.invalid++;
            this.issues[key] = { raw: r.error?.issues?.[0]?.message ?? r.error?.message ?? '' };
            continue;
          }
          outcome[r.status]++;
          const before = cells.get(key);
          const v = r.volume;
          cells.set(key, {
            carrierCode: v.carrierCode,
            townCode: v.townCode,
            productCode: v.productCode,
            date: v.date,
            reportedParcels: v.parcels,
            revision: v.revision,
            reportedAt: v.changed ? new Date(appNow()).toISOString() : (before?.reportedAt ?? null),
            reportedBy: before?.reportedBy ?? null,
            loggedParcels: before?.loggedParcels ?? 0,
          });
          this.values[key] = String(v.parcels);
          this.saved[key] = true;
        }
        this.cells = cells;
      }
      this.outcome = outcome;
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) this.saveError = 'volumes.grid.saveRefused';
      else if (!(e instanceof ApiError && e.status === 401)) this.saveError = e instanceof ApiError && e.status === 0 ? 'error.network' : 'error.generic';
    } finally {
      this.saving = false;
    }
    return firstIssue();
  }
}
