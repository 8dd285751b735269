import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

type ReferenceJson = { towns: { code: string }[]; carriers: { code: string }[] };
const reference: ReferenceJson = JSON.parse(readFileSync(new URL('../../db/seed/yiyuan-reference.json', import.meta.url), 'utf8'));

export const TOWN_CODES = reference.towns.map((t) => t.code);
export const CARRIER_CODES = reference.carriers.map((c) => c.code);

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** An instant within the last 60 days, at least a minute in the past (never "in the future"). */
function recentInstant(): Date {
  return new Date(Date.now() - 60_000 - Math.floor(Math.random() * (60 * DAY_MS - 120_000)));
}

export type PickupBody = {
  id: string;
  cooperativeId: string;
  townCode: string;
  carrierCode: string;
  productCode: string;
  parcels: number;
  pickedUpAt: string;
};

/** One POST /api/v1/pickups body, with a fresh id. */
export function pickupBody(cooperativeId: string): PickupBody {
  return {
    id: randomUUID(),
    cooperativeId,
    townCode: pick(TOWN_CODES),
    carrierCode: pick(CARRIER_CODES),
    productCode: 'apple',
    parcels: 1 + Math.floor(Math.random() * 20),
    pickedUpAt: recentInstant().toISOString(),
  };
}

export function batchBody(cooperativeId: string, size: number): { items: PickupBody[] } {
  return { items: Array.from({ length: size }, () => pickupBody(cooperativeId)) };
}

/** Columns of the raw table, in the order written (recorded_at is left to its default, as the app does). */
export const RAW_COLUMNS = [
  'id',
  'cooperative_id',
  'town_code',
  'village',
  'carrier_code',
  'product_code',
  'variety',
  'parcels',
  'weight_kg',
  'picked_up_at',
  'business_date',
  'request_hash',
  'recorded_by',
] as const;

export type RawRow = Record<(typeof RAW_COLUMNS)[number], string | number | null>;

/** The same kind of row the app writes for a pickup body: every column filled the way the app fills it. */
export function rawRow(cooperativeId: string): RawRow {
  const p = pickupBody(cooperativeId);
  const at = new Date(p.pickedUpAt);
  return {
    id: p.id,
    cooperative_id: p.cooperativeId,
    town_code: p.townCode,
    village: null,
    carrier_code: p.carrierCode,
    product_code: p.productCode,
    variety: null,
    parcels: p.parcels,
    weight_kg: null,
    picked_up_at: p.pickedUpAt,
    business_date: new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10),
    // The app stores a sha256 in base64url: same length, same kind of text.
    request_hash: randomBytes(32).toString('base64url'),
    recorded_by: 'anonymous',
  };
}

const IMPORT_COLUMNS = ['id', 'cooperativeId', 'townCode', 'carrierCode', 'productCode', 'parcels', 'pickedUpAt'] as const;

/**
 * The same `rows` pickups twice: as the CSV file a cooperative uploads to POST /pickups/import,
 * and as COPY text for the raw table (RAW_COLUMNS, every column filled the way the app fills it).
 */
export function importFile(cooperativeId: string, rows: number): { csv: string; copy: string; rows: number } {
  let csv = `${IMPORT_COLUMNS.join(',')}\n`;
  let copy = '';
  for (let i = 0; i < rows; i++) {
    const r = rawRow(cooperativeId);
    csv += `${r.id},${r.cooperative_id},${r.town_code},${r.carrier_code},${r.product_code},${r.parcels},${r.picked_up_at}\n`;
    copy += `${RAW_COLUMNS.map((c) => (r[c] === null ? '\\N' : String(r[c]))).join('\t')}\n`;
  }
  return { csv, copy, rows };
}
