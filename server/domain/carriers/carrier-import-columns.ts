import type { Reference } from '../reference/load-reference.ts';
import { COUNT } from '../../rules/parse-number.ts';
import { CellError, headerKey, parseNumberCell, type Column } from '../network/tabular.ts';

// The layout of a carrier's spreadsheet: one row per cell (day × town × product, and the carrier
// for an administrator's file), headers in Chinese or English.

export const CARRIER_VOLUME_COLUMNS: readonly Column[] = [
  { name: 'date', aliases: ['日期', '业务日期', '发件日期', '揽收日期', 'businessDate', 'day'], required: true },
  { name: 'townCode', aliases: ['乡镇', '乡镇街道', '镇街', '所属乡镇', '乡镇代码', 'town'], required: true },
  { name: 'productCode', aliases: ['产品', '品类', '产品代码', 'product'], required: true },
  { name: 'carrierCode', aliases: ['承运商', '快递公司', '快递品牌', '品牌', '承运商代码', 'carrier'] },
  { name: 'parcels', aliases: ['件数', '件量', '单量', '发件量', '揽收件数', '寄递件数', 'volume', 'count'], required: true },
];

/** The headers of the template, in the order its columns come. */
export const TEMPLATE_HEADERS = { date: '日期', townCode: '乡镇', productCode: '产品', carrierCode: '承运商', parcels: '件数' } as const;

export const MAX_REPORTED_PARCELS = 10_000_000;

/** A product by its code, its name (沂源苹果), the name without the county (苹果) or its English name. */
export function parseProduct(s: string, products: Reference['products']): string {
  const k = headerKey(s);
  const found = products.find((p) =>
    [p.code, p.name, p.name.replace(/^沂源/, ''), p.nameEn, p.nameEn.replace(/^Yiyuan\s+/i, '')].some((n) => headerKey(n) === k),
  );
  if (found) return found.code;
  throw new CellError(`unknown product "${s}"; known: ${products.map((p) => `${p.code} (${p.name})`).join(', ')}`);
}

/**
 * A day's figure: a whole number of parcels, 0 to 10,000,000, read as every number field reads one
 * (server/rules/parse-number.ts): "12,345" and "１２０" are figures, "12.0" is 12 as spreadsheets
 * show whole numbers; "1,2" or "12.5" are refused rather than guessed or rounded, since a figure
 * that was meant differently must not count.
 */
export const parseParcels = (s: string): number => parseNumberCell(s, { ...COUNT, max: MAX_REPORTED_PARCELS }, 'must be a whole number of parcels');

/** One CSV field, quoted when it has to be. */
export const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
