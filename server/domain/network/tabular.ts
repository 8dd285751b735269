import { MAX_IMPORT_ROWS, type ImportRowError } from '../../contracts/network.ts';
import { COUNT, numberIssue, parseNumber, printFigure, type NumberIssue, type NumberOptions } from '../../rules/parse-number.ts';
import { DomainError } from '../errors.ts';
import { nextTurn, yieldEvery } from '../yield-to-loop.ts';
import { guardXlsx, HEADER_ROWS_ALLOWED } from './xlsx-guard.ts';
import { loadXlsxRows } from './xlsx-worker.ts';

// Reading the spreadsheets administrators already keep: CSV (UTF-8) or the first worksheet of an
// .xlsx file, a header row first. Rows are numbered as a spreadsheet shows them (the header of a
// file that starts with it is row 1), so an error's row number is where the user will look.

export type Sheet = { headerRow: number; headers: string[]; rows: { row: number; cells: string[] }[] };

/**
 * The header is the first row (of the first ten) naming a known column, so a title row above it
 * (沂源县建制村名单) is skipped; rows above the header are ignored. Blank rows are left out.
 */
export async function readSheet(format: 'csv' | 'xlsx', content: string, columns: readonly Column[]): Promise<Sheet> {
  // A zip archive's first bytes, in any text decoding: an Excel file sent as CSV.
  if (format === 'csv' && content.startsWith('PK\u0003\u0004'))
    throw DomainError.validation([{ path: 'content', message: 'is an Excel (.xlsx) file, not CSV: send it as xlsx' }]);
  const nonEmpty =
    format === 'csv' ? await parseCsvAsync(content, { skipBlank: true, maxRows: MAX_IMPORT_ROWS + HEADER_ROWS_ALLOWED }) : await readXlsx(content);
  if (nonEmpty.length === 0) throw DomainError.validation([{ path: 'content', message: 'holds no rows: a header row is expected first' }]);
  const known = new Set(columns.flatMap((c) => [c.name, ...c.aliases]).map(headerKey));
  const at = nonEmpty.slice(0, HEADER_ROWS_ALLOWED).findIndex((r) => r.cells.some((c) => known.has(headerKey(c))));
  const header = nonEmpty[Math.max(at, 0)];
  const rows = nonEmpty.filter((r) => r.row > header.row);
  if (rows.length > MAX_IMPORT_ROWS)
    throw DomainError.validation([{ path: 'content', message: `holds ${rows.length} rows; at most ${MAX_IMPORT_ROWS} can be imported at once` }]);
  return { headerRow: header.row, headers: header.cells.map((c) => c.trim()), rows };
}

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '');

/** The rows of a file past the row limit: refused before the rest is read. */
const tooManyRows = () =>
  DomainError.validation([{ path: 'content', message: `holds more than ${MAX_IMPORT_ROWS} rows; at most ${MAX_IMPORT_ROWS} can be imported at once` }]);

/** Excel on a Chinese Windows saves "CSV" in GB18030 (GBK): text that is not valid UTF-8 is read as that. */
export function decodeCsv(content: Uint8Array | string): string {
  if (typeof content === 'string') return content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return new TextDecoder('gb18030').decode(content);
  }
}

// Decoded a piece at a time: at ~250 MB/s (UTF-8 or GB18030) a 50 MB file in one go holds the loop for 0.2 s, and a failed UTF-8 try doubles it.
const DECODE_PIECE = 1024 * 1024;

/** decodeCsv, yielding to the event loop between pieces of a large file. */
export async function decodeCsvAsync(content: Uint8Array | string): Promise<string> {
  if (typeof content === 'string') return content;
  const inPieces = async (decoder: InstanceType<typeof TextDecoder>) => {
    const parts: string[] = [];
    for (let i = 0; i < content.byteLength; i += DECODE_PIECE) {
      parts.push(decoder.decode(content.subarray(i, i + DECODE_PIECE), { stream: true }));
      await nextTurn();
    }
    parts.push(decoder.decode());
    return parts.join('');
  };
  try {
    return await inPieces(new TextDecoder('utf-8', { fatal: true }));
  } catch {
    return inPieces(new TextDecoder('gb18030'));
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. A tab-separated file works too. */
export function parseCsv(text: string): { row: number; cells: string[] }[] {
  return Array.from(csvRows(text));
}

/**
 * parseCsv, yielding to the event loop every few milliseconds. `skipBlank` leaves out rows whose
 * cells are all blank (row numbers stay those of the file); past `maxRows` other rows the file is
 * refused without reading the rest.
 */
export async function parseCsvAsync(text: string, { skipBlank = false, maxRows = Infinity } = {}): Promise<{ row: number; cells: string[] }[]> {
  const breathe = yieldEvery();
  const out: { row: number; cells: string[] }[] = [];
  for (const record of csvRows(text)) {
    if (!(skipBlank && isBlank(record.cells))) {
      if (out.length >= maxRows) throw tooManyRows();
      out.push(record);
    }
    await breathe();
  }
  return out;
}

function* csvRows(text: string): Generator<{ row: number; cells: string[] }> {
  const s = text.replace(/^\uFEFF/, '');
  const firstLine = s.slice(0, s.search(/\r|\n|$/));
  const sep = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let rows = 0;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      cells.push(cell);
      yield { row: ++rows, cells };
      cells = [];
      cell = '';
      if (ch === '\r' && s[i + 1] === '\n') i++;
    } else cell += ch;
    i++;
  }
  if (cell !== '' || cells.length > 0 || quoted) {
    cells.push(cell);
    yield { row: rows + 1, cells };
  }
}

/** The bytes of base64 text (a data: URL prefix allowed), or null when it is not base64. */
function fromBase64(content: string): Buffer | null {
  const base64 = content.replace(/^data:[^,]*;base64,/, '');
  // One pass, no pattern: a backtracking one took quadratic time on a long run of spaces.
  let padding = 0;
  for (let i = 0; i < base64.length; i++) {
    const c = base64.charCodeAt(i);
    const space = c === 0x20 || (c >= 0x09 && c <= 0x0d);
    if (c === 0x3d /* = */) {
      if (++padding > 2) return null;
    } else if (padding > 0 && !space) return null;
    else if (!space && !((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f)) return null;
  }
  return Buffer.from(base64, 'base64');
}

async function readXlsx(content: string): Promise<{ row: number; cells: string[] }[]> {
  const bytes = fromBase64(content);
  if (!bytes) throw DomainError.validation([{ path: 'content', message: 'must be the .xlsx file encoded as base64' }]);
  // Checked and cut down to the parts a worksheet's text needs before exceljs reads it.
  const rows = await loadXlsxRows(await guardXlsx(bytes));
  const breathe = yieldEvery();
  const out: { row: number; cells: string[] }[] = [];
  for (const { row, values } of rows) {
    const cells = Array.from(values, (v) => cellText(v));
    if (!isBlank(cells)) {
      if (out.length >= MAX_IMPORT_ROWS + HEADER_ROWS_ALLOWED) throw tooManyRows();
      out.push({ row, cells });
    }
    await breathe();
  }
  return out;
}

/** A cell as the text a user sees: dates as YYYY-MM-DD, formulas by their result, rich text flattened. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // exceljs hands date cells back as the UTC midnight of the date shown.
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error !== undefined) return String(o.error);
  }
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Columns

export type Column = { name: string; aliases: readonly string[]; required?: boolean };

/** Header text compared loosely: case, spaces, underscores, dashes, a trailing "*" and full-width forms do not matter. */
export const headerKey = (h: string) =>
  h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-*（）()]/g, '');

// Spreadsheet habits: a running number column carries no data.
const IGNORED = new Set(['序号', 'no', 'no.', '#', '编号序号'].map(headerKey));

/** Maps each header to a column; unknown, repeated or missing columns are errors on the header row. */
export function mapColumns(sheet: Sheet, columns: readonly Column[]): { index: Map<string, number>; errors: ImportRowError[] } {
  const byKey = new Map<string, Column>();
  for (const c of columns) for (const a of [c.name, ...c.aliases]) byKey.set(headerKey(a), c);
  const index = new Map<string, number>();
  const errors: ImportRowError[] = [];
  sheet.headers.forEach((h, i) => {
    if (h === '' || IGNORED.has(headerKey(h))) return;
    const column = byKey.get(headerKey(h));
    if (!column) errors.push({ row: sheet.headerRow, field: h, message: `is not a known column; known columns: ${columns.map((c) => c.name).join(', ')}` });
    else if (index.has(column.name))
      errors.push({ row: sheet.headerRow, field: column.name, message: `appears twice (as "${sheet.headers[index.get(column.name)!]}" and "${h}")` });
    else index.set(column.name, i);
  });
  for (const c of columns) if (c.required && !index.has(c.name)) errors.push({ row: sheet.headerRow, field: c.name, message: 'is a required column' });
  return { index, errors };
}

/** The cells of one row by column name: only the columns the file has (an absent column changes nothing). */
export function rowValues(cells: readonly string[], index: Map<string, number>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, i] of index) out.set(name, (cells[i] ?? '').trim());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cell values. Each returns the value, or throws a CellError with the message for the row.

export class CellError extends Error {
  /** A machine code and parameters, where the client words the problem itself (a figure not read). */
  constructor(
    message: string,
    readonly issue?: { code: string; params: Record<string, string | number> },
  ) {
    super(message);
  }
}

const YES = new Set(['是', '有', 'y', 'yes', 'true', '1', '√', '✓']);
const NO = new Set(['否', '无', '没有', 'n', 'no', 'false', '0', '×', '✗']);

export function parseYesNo(s: string): boolean {
  const k = s.toLowerCase();
  if (YES.has(k)) return true;
  if (NO.has(k)) return false;
  throw new CellError('must be yes or no (是/否, true/false, 1/0)');
}

/** YYYY-MM-DD, or the same with "/" or "." separators, or 2020年3月1日. */
export function parseDate(s: string): string {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (!m) throw new CellError('must be a date as YYYY-MM-DD');
  const date = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) throw new CellError(`is not a calendar date (${s})`);
  return date;
}

/** A value from a vocabulary: its code, or one of its names. */
export function parseChoice<T extends string>(s: string, choices: Record<T, readonly string[]>, what: string): T {
  const k = headerKey(s);
  for (const [code, names] of Object.entries(choices) as [T, readonly string[]][]) {
    if (headerKey(code) === k || names.some((n) => headerKey(n) === k)) return code;
  }
  throw new CellError(`must be one of ${Object.keys(choices).join(', ')} (${what})`);
}

export function splitList(s: string): string[] {
  return s
    .split(/[,，;；、|\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * A figure read as every number field reads one (server/rules/parse-number.ts): "12,000" is
 * twelve thousand, "1,2" is refused as ambiguous. `notANumber` is the message for text that is
 * no figure at all (and, for a count, for a fraction), as each import has long worded it.
 */
export function parseNumberCell(s: string, options: NumberOptions, notANumber = options.integer ? 'must be a whole number' : 'must be a number'): number {
  const parsed = parseNumber(s, options);
  if (parsed.ok) return parsed.value;
  const issue = numberIssue(parsed);
  throw new CellError(numberIssueEnglish(issue, notANumber), issue);
}

/** A count (staff, households…): whole and not negative. */
export const parseInteger = (s: string): number => parseNumberCell(s, COUNT);

/** An import's English for a figure it could not read; the web app words the code itself. */
export function numberIssueEnglish(issue: NumberIssue, notANumber: string): string {
  switch (issue.code) {
    case 'required':
      return 'must not be empty';
    case 'not_a_number':
    case 'not_integer':
      return notANumber;
    case 'exponent':
      return `is in scientific notation (${issue.params.text}): write the figure out in full`;
    case 'ambiguous_separator':
      return issue.params.why === 'group'
        ? `is ambiguous (${issue.params.text}): a thousands separator must be followed by three digits, and decimals go after "."`
        : `is ambiguous (${issue.params.text}): use "." for decimals and "," between thousands`;
    case 'ambiguous_point':
      return `is ambiguous (${issue.params.text}): ${printFigure(issue.params.asDecimal)} or ${printFigure(issue.params.asThousands)}? Write a whole number without "."`;
    case 'too_many_decimals':
      return `must have at most ${issue.params.max} decimal places`;
    case 'negative':
      return 'must not be negative';
    case 'too_small':
      return `must be at least ${printFigure(issue.params.min)}`;
    case 'too_large':
      return `must be at most ${printFigure(issue.params.max)}`;
  }
}

/** A town by its 9-digit code or its name (with or without 镇/街道). */
export function parseTown(s: string, towns: readonly { code: string; name: string }[]): string {
  const byCode = towns.find((t) => t.code === s);
  if (byCode) return byCode.code;
  const byName = towns.find((t) => t.name === s || t.name.replace(/(街道|镇)$/, '') === s);
  if (byName) return byName.code;
  throw new CellError(/^\d+$/.test(s) ? `unknown town code "${s}"` : `unknown town "${s}"`);
}

/** A carrier by its code, its name, its English name, or the start of its name (中通 → zto) when that is unambiguous. */
export function parseCarrier(s: string, carriers: readonly { code: string; name: string; nameEn: string }[]): string {
  const k = s.toLowerCase();
  const exact = carriers.find((c) => c.code === k || c.name === s || c.nameEn.toLowerCase() === k || c.name.split('/').some((n) => n.toLowerCase() === k));
  if (exact) return exact.code;
  const prefix = carriers.filter((c) => s.length >= 2 && c.name.startsWith(s));
  if (prefix.length === 1) return prefix[0].code;
  throw new CellError(`unknown carrier "${s}"`);
}
