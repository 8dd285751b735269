import { createHash, randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { rowsOf } from '../../../db/client.ts';
import type { ImportRowError } from '../../contracts/network.ts';
import {
  MAX_PICKUP_IMPORT_BYTES,
  MAX_PICKUP_IMPORT_ERRORS,
  PICKUP_IMPORT_COLUMNS,
  PICKUP_IMPORT_REQUIRED,
  type PickupImportColumn,
  type PickupImportConflict,
  type PickupImportResult,
} from '../../contracts/pickup-import.ts';
import { cooperativeScope, requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError } from '../errors.ts';
import { pgCode, withTransaction, type Tx } from '../transaction.ts';
import { preparePickup } from './record-pickups.ts';
import { loggedDeltaCtes, pickSlot } from './tally-sql.ts';
import { decodeCsvAsync, numberIssueEnglish } from '../network/tabular.ts';
import { COUNT, KILOGRAMS, numberIssue, parseNumber, type NumberOptions } from '../../rules/parse-number.ts';
import { nextTurn, yieldEvery } from '../yield-to-loop.ts';

/** A file refused as a whole: why, and its errors row by row (nothing was written). */
export class PickupImportRejection extends DomainError {
  constructor(
    code: 'VALIDATION' | 'FORBIDDEN',
    message: string,
    readonly rowErrors: ImportRowError[],
  ) {
    super(
      code,
      message,
      rowErrors.map((e) => ({ path: `rows.${e.row}${e.field ? `.${e.field}` : ''}`, message: e.message })),
    );
  }
}

/** The file as received: its bytes (decoded here) or text already decoded. */
export type PickupImportInput = { content: Uint8Array | string };

// Rows travel to the ledger in COPY's text format, in pieces of about this size. PGlite runs
// each COPY statement on this thread: one piece of 128 kB (about 1,000 rows) takes it ~0.1 s,
// so a piece at a time, with a turn of the event loop between, keeps other requests answered.
const COPY_CHUNK_CHARS = 128 * 1024;
// The ids already on record are looked up this many at a time (one query of 400,000 would hold PGlite's thread for seconds).
const LOOKUP_BATCH = 5000;
// Cells a record may have: a longer one is refused anyway (more cells than the header), and a
// line of 50 million commas must not become an array of 50 million strings.
const MAX_CELLS = 1000;

// recorded_at is left to its default: the transaction's time, which the audit row shares.
const COPY_COLUMNS =
  'id, cooperative_id, town_code, village, carrier_code, product_code, variety, parcels, weight_kg, picked_up_at, business_date, request_hash, recorded_by';

/**
 * Imports a pickup file (CSV, a header row first). Every row is checked exactly as
 * POST /pickups checks a pickup; with any bad row nothing is written and every error is
 * reported by row (400), with any row of another cooperative likewise (403). Idempotent on
 * ids: a row already on record with the same content is a duplicate, with other content a
 * conflict; neither is written again, so a file may be re-sent freely.
 *
 * In one transaction: the ids already on record are looked up, the new rows go straight into
 * the ledger with COPY, their cells and rollups are updated set-wise by the same SQL as every
 * other ledger write, and the audit row is written. A staging table would cost a second copy of
 * every row; a concurrent write of one of the same ids instead makes COPY fail on the primary
 * key, and the transaction is run again from the lookup.
 */
export async function importPickups({ ctx, input }: { ctx: Ctx; input: PickupImportInput }): Promise<PickupImportResult> {
  requireAccess(ctx, 'pickup.create');
  const bytes = typeof input.content === 'string' ? Buffer.byteLength(input.content) : input.content.byteLength;
  if (bytes > MAX_PICKUP_IMPORT_BYTES) throw new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${MAX_PICKUP_IMPORT_BYTES / 2 ** 20} MB; split it`);
  if (isZip(input.content))
    throw DomainError.validation([{ path: 'content', message: 'is an Excel (.xlsx) file: save the sheet as CSV (UTF-8) and send that' }]);
  const plan = await planRows(ctx, await decodeCsvAsync(input.content));
  const known = await knownCooperatives(ctx, plan.cooperativeIds);
  const unknown: ImportRowError[] = [];
  for (const [cooperativeId, row] of plan.firstRowOfCooperative)
    if (!known.has(cooperativeId)) {
      plan.errorCount++;
      plan.errorRows++;
      if (unknown.length < MAX_PICKUP_IMPORT_ERRORS) unknown.push({ row, field: 'cooperativeId', message: `unknown cooperative ${cooperativeId}` });
    }
  if (plan.errorCount) reject([...plan.errors, ...unknown], plan);
  if (plan.pickups.length === 0) throw new PickupImportRejection('VALIDATION', 'The file has no pickups', [{ row: 2, field: '', message: 'no data rows' }]);

  const importId = randomUUID();
  const sha256 = await sha256Of(input.content);
  const outcome = await inImportTransaction(ctx, async (tx, copyIn) => {
    const onRecord = new Map<string, string>();
    for (let i = 0; i < plan.pickups.length; i += LOOKUP_BATCH) {
      const ids = JSON.stringify(plan.pickups.slice(i, i + LOOKUP_BATCH).map((p) => p.id));
      for (const r of rowsOf<{ id: string; request_hash: string }>(
        await tx.execute(sql`SELECT id::text AS id, request_hash FROM pickups WHERE id IN (SELECT value::uuid FROM json_array_elements_text(${ids}::json))`),
      ))
        onRecord.set(r.id, r.request_hash);
      await nextTurn();
    }
    const breathe = yieldEvery();
    let duplicate = plan.duplicatesInFile;
    let conflict = 0;
    const conflicts: PickupImportConflict[] = [];
    const cells = new Map<string, number>();
    const chunks: string[] = [];
    let out = '';
    for (const p of plan.pickups) {
      const hash = onRecord.get(p.id);
      if (hash !== undefined) {
        if (hash === p.hash) duplicate++;
        else if (++conflict <= MAX_PICKUP_IMPORT_ERRORS)
          conflicts.push({ row: p.row, id: p.id, message: `pickup ${p.id} is already on record with different content` });
        continue;
      }
      out += p.copy;
      if (out.length >= COPY_CHUNK_CHARS) {
        chunks.push(out);
        out = '';
      }
      cells.set(p.cell, (cells.get(p.cell) ?? 0) + p.parcels);
      await breathe();
    }
    if (out) chunks.push(out);
    const created = plan.pickups.length - onRecord.size;
    if (created > 0) {
      await copyIn(`COPY pickups (${COPY_COLUMNS}) FROM`, chunks);
      const delta = [...cells].map(([cell, parcels]) => {
        const [product_code, business_date, town_code, carrier_code] = cell.split('|');
        return { product_code, business_date, town_code, carrier_code, parcels };
      });
      await tx.execute(sql`
        WITH cell_delta AS (
          SELECT * FROM json_to_recordset(${JSON.stringify(delta)}::json)
            AS x(product_code text, business_date date, town_code text, carrier_code text, parcels bigint)
        ),
        ${loggedDeltaCtes(pickSlot(), 'add')}
        SELECT count(*) FROM applied_rollups`);
    }
    const summary = { rows: plan.rows, created, duplicate, conflict };
    await writeAudit(tx, ctx, {
      action: 'pickup.import',
      targetType: 'pickup-import',
      targetId: importId,
      // The pickups carry recorded_by and this transaction's recorded_at, which the audit row shares.
      details: { ...summary, bytes, sha256 },
    });
    return { summary, conflicts };
  });
  if (outcome.summary.created > 0 && ctx.changes) for (const [product, dates] of plan.datesByProduct) ctx.changes.cellsChanged(product, dates);
  return { importId, ok: true, ...outcome };
}

/** Refuses the file: `errors` holds the first errors by row (of each kind), `plan` how many there are in all. */
function reject(errors: ImportRowError[], { forbidden, errorCount, errorRows: rows }: Pick<Plan, 'forbidden' | 'errorCount' | 'errorRows'>): never {
  errors.sort((a, b) => a.row - b.row);
  const listed = errors.slice(0, MAX_PICKUP_IMPORT_ERRORS);
  const more = errorCount > listed.length ? ` (the first ${listed.length} errors are listed)` : '';
  if (forbidden) throw new PickupImportRejection('FORBIDDEN', `This account may only import its own cooperative's pickups; nothing was written${more}`, listed);
  throw new PickupImportRejection('VALIDATION', `${rows} row${rows > 1 ? 's have' : ' has'} errors; nothing was written${more}`, listed);
}

/** A checked row, ready for the ledger: its COPY line and its cell. */
type PlannedPickup = { row: number; id: string; hash: string; copy: string; cell: string; parcels: number };

type Plan = {
  rows: number;
  duplicatesInFile: number;
  /** The first errors, in row order: a file of 400,000 bad rows must not keep millions of them. */
  errors: ImportRowError[];
  errorCount: number;
  errorRows: number;
  forbidden: boolean;
  pickups: PlannedPickup[];
  cooperativeIds: Set<string>;
  firstRowOfCooperative: Map<string, number>;
  datesByProduct: Map<string, Set<string>>;
};

/** Reads and checks every row, yielding to the event loop as it goes; the good ones become COPY text. */
async function planRows(ctx: Ctx, text: string): Promise<Plan> {
  const plan: Plan = {
    rows: 0,
    duplicatesInFile: 0,
    errors: [],
    errorCount: 0,
    errorRows: 0,
    forbidden: false,
    pickups: [],
    cooperativeIds: new Set(),
    firstRowOfCooperative: new Map(),
    datesByProduct: new Map(),
  };
  let lastErrorRow = 0;
  const addError = (e: ImportRowError) => {
    plan.errorCount++;
    if (e.row !== lastErrorRow) plan.errorRows++;
    lastErrorRow = e.row;
    if (plan.errors.length < MAX_PICKUP_IMPORT_ERRORS) plan.errors.push(e);
  };
  const breathe = yieldEvery();
  const records = csvRecords(text, MAX_CELLS);
  const header = records.next();
  if (header.done || header.value.every((c) => c.trim() === '')) {
    plan.errors.push({ row: 1, field: '', message: `the file is empty: a header row is needed (${PICKUP_IMPORT_COLUMNS.join(',')})` });
    return plan;
  }
  const columns = header.value.map((c) => c.trim());
  const index = new Map<PickupImportColumn, number>();
  columns.forEach((name, i) => {
    if (!(PICKUP_IMPORT_COLUMNS as readonly string[]).includes(name))
      addError({ row: 1, field: name, message: `is not a known column; the columns are ${PICKUP_IMPORT_COLUMNS.join(', ')}` });
    else if (index.has(name as PickupImportColumn)) addError({ row: 1, field: name, message: 'is given twice' });
    else index.set(name as PickupImportColumn, i);
  });
  const ownCooperative = cooperativeScope(ctx);
  const required = ownCooperative ? PICKUP_IMPORT_REQUIRED : [...PICKUP_IMPORT_REQUIRED, 'cooperativeId' as const];
  for (const name of required) if (!index.has(name)) addError({ row: 1, field: name, message: 'column is missing' });
  if (plan.errorCount) return plan;

  const cells = [...index.entries()];
  const recordedBy = copyText(ctx.actor.label);
  const seen = new Map<string, { row: number; hash: string }>();
  let row = 1;
  for (const record of records) {
    row++;
    await breathe();
    if (record.length === 1 && record[0].trim() === '') continue;
    plan.rows++;
    if (record.length > columns.length) {
      addError({
        row,
        field: '',
        message: `has ${record.length > MAX_CELLS ? `more than ${MAX_CELLS}` : record.length} cells; the header has ${columns.length}`,
      });
      continue;
    }
    const raw: Record<string, unknown> = {};
    const unread: ImportRowError[] = [];
    for (const [name, i] of cells) {
      const cell = (record[i] ?? '').trim();
      if (cell === '') continue;
      const figure = FIGURES[name];
      if (!figure) {
        raw[name] = cell;
        continue;
      }
      const parsed = parseNumber(cell, figure.options);
      if (parsed.ok) raw[name] = parsed.value;
      else {
        // The text goes on to the contract, which then refuses the row; the reader says why.
        raw[name] = cell;
        const issue = numberIssue(parsed);
        unread.push({ row, field: name, message: numberIssueEnglish(issue, figure.notANumber), ...issue });
      }
    }
    if (raw.cooperativeId === undefined && ownCooperative) raw.cooperativeId = ownCooperative;
    const prepared = preparePickup(ctx, raw);
    if (!prepared.ok) {
      if (prepared.error.code === 'FORBIDDEN') plan.forbidden = true;
      // One message per cell: the contract may say several things about one bad value.
      const fields = new Set<string>();
      for (const e of unread) {
        fields.add(e.field);
        addError(e);
      }
      for (const issue of prepared.error.issues ?? [{ path: '', message: prepared.error.message }]) {
        const field = issue.path.split('.')[0] ?? '';
        if (!fields.has(field) && fields.add(field)) addError({ row, field, message: issue.message });
      }
      continue;
    }
    const p = prepared.pickup;
    const id = p.input.id.toLowerCase();
    const earlier = seen.get(id);
    if (earlier) {
      if (earlier.hash === p.hash) plan.duplicatesInFile++;
      else addError({ row, field: 'id', message: `is also on row ${earlier.row}, with different content` });
      continue;
    }
    seen.set(id, { row, hash: p.hash });
    const cooperativeId = p.input.cooperativeId.toLowerCase();
    if (!plan.cooperativeIds.has(cooperativeId)) {
      plan.cooperativeIds.add(cooperativeId);
      plan.firstRowOfCooperative.set(cooperativeId, row);
    }
    if (plan.errorCount) continue; // nothing will be written: only look for more errors
    let dates = plan.datesByProduct.get(p.input.productCode);
    if (!dates) plan.datesByProduct.set(p.input.productCode, (dates = new Set()));
    dates.add(p.businessDate);
    plan.pickups.push({
      row,
      id,
      hash: p.hash,
      parcels: p.input.parcels,
      cell: `${p.input.productCode}|${p.businessDate}|${p.input.townCode}|${p.input.carrierCode}`,
      copy:
        `${id}\t${cooperativeId}\t${p.input.townCode}\t${copyText(p.input.village)}\t${p.input.carrierCode}\t` +
        `${p.input.productCode}\t${copyText(p.input.variety)}\t${p.input.parcels}\t${p.input.weightKg ?? '\\N'}\t` +
        `${p.pickedUpAt.toISOString()}\t${p.businessDate}\t${p.hash}\t${recordedBy}\n`,
    });
  }
  if (plan.errorCount) plan.pickups = [];
  return plan;
}

// The number columns, read as every number field is (server/rules/parse-number.ts); "must be an
// integer" and "must be a number" are the contract's own words for what is no figure at all.
const FIGURES: Partial<Record<PickupImportColumn, { options: NumberOptions; notANumber: string }>> = {
  parcels: { options: COUNT, notANumber: 'must be an integer' },
  weightKg: { options: KILOGRAMS, notANumber: 'must be a number' },
};

/** A value in COPY's text format: `\N` for none; backslash, tab and line breaks escaped. */
function copyText(value: string | undefined): string {
  if (value === undefined) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

/**
 * The records of a CSV text (RFC 4180: quoted cells may hold commas, quotes doubled, line breaks);
 * a byte-order mark is skipped. A record keeps at most `maxCells + 1` cells (the rest are read past).
 */
function* csvRecords(text: string, maxCells: number): Generator<string[]> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const record: string[] = [];
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        let parts = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) {
            // An unclosed quote runs to the end of the file, as spreadsheets read it.
            parts += text.slice(from);
            i = n;
            break;
          }
          parts += text.slice(from, q);
          if (text.charCodeAt(q + 1) === 34) {
            parts += '"';
            from = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the next separator is kept, as spreadsheets do.
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        cell = parts + text.slice(i, j);
        i = j;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        cell = text.slice(i, j);
        i = j;
      }
      if (record.length <= maxCells) record.push(cell);
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      break;
    }
    yield record;
  }
}

/** A zip archive (an .xlsx file) starts with a local file header. */
function isZip(content: Uint8Array | string): boolean {
  const head = typeof content === 'string' ? content.slice(0, 4) : Buffer.from(content.subarray(0, 4)).toString('latin1');
  return head === 'PK\u0003\u0004';
}

/** The file's SHA-256 (for the audit row), a megabyte at a time with a turn of the event loop between. */
async function sha256Of(content: Uint8Array | string): Promise<string> {
  const hash = createHash('sha256');
  if (typeof content === 'string') return hash.update(content).digest('hex');
  for (let i = 0; i < content.byteLength; i += 1024 * 1024) {
    hash.update(content.subarray(i, i + 1024 * 1024));
    await nextTurn();
  }
  return hash.digest('hex');
}

async function knownCooperatives(ctx: Ctx, ids: Set<string>): Promise<Set<string>> {
  const all = [...ids];
  const known = new Set<string>();
  for (let i = 0; i < all.length; i += LOOKUP_BATCH) {
    const rows = rowsOf<{ id: string }>(
      await ctx.db.execute(sql`SELECT id::text AS id FROM cooperatives
        WHERE id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(all.slice(i, i + LOOKUP_BATCH))}::json))`),
    );
    for (const r of rows) known.add(r.id);
    await nextTurn();
  }
  return known;
}

type CopyIn = (copy: string, chunks: string[]) => Promise<void>;

/**
 * Runs `fn` in a transaction that can also COPY rows in. On PGlite, drizzle's transaction and
 * the driver's COPY from a blob. On PostgreSQL, a connection of its own with an explicit
 * BEGIN/COMMIT: COPY FROM STDIN needs the driver's stream on the transaction's connection,
 * which drizzle's transaction object does not hand out.
 */
async function inImportTransaction<T>(ctx: Ctx, fn: (tx: Tx, copyIn: CopyIn) => Promise<T>): Promise<T> {
  if (ctx.databaseKind === 'pglite') {
    return withTransaction(ctx, (tx) => {
      const client = (tx as unknown as { session: { client: PgliteTransaction | PGlite } }).session.client;
      return fn(tx, async (copy, chunks) => {
        for (const chunk of chunks) {
          await client.query(`${copy} '/dev/blob'`, [], { blob: new Blob([chunk]) });
          await nextTurn();
        }
      });
    });
  }
  const pool = (ctx.db as unknown as { $client: postgres.Sql }).$client;
  for (let attempt = 1; ; attempt++) {
    const conn = await pool.reserve();
    let lost = false;
    try {
      const tx = {
        execute: async (query: SQL) => {
          const q = dialect.sqlToQuery(query);
          return conn.unsafe(q.sql, q.params as postgres.ParameterOrJSON<never>[]);
        },
      } as unknown as Tx;
      await conn.unsafe('BEGIN');
      const result = await fn(tx, async (copy, chunks) => {
        const query = conn.unsafe(`${copy} STDIN`) as postgres.PendingQuery<postgres.Row[]> & { reject: (e: unknown) => void };
        // postgres.js reports an error the server raises after the last row (a duplicate key, say)
        // only through the query's own `reject`, which it has already settled: the stream would
        // never finish. Listen there.
        let failed: (e: unknown) => void = () => {};
        const failure = new Promise<never>((_, reject) => (failed = reject));
        const settle = query.reject;
        query.reject = (e: unknown) => {
          failed(e);
          return settle.call(query, e);
        };
        const stream = await query.writable();
        await new Promise<void>((resolve, reject) => {
          failure.catch(reject);
          stream.once('error', reject);
          stream.once('finish', resolve);
          let k = 0;
          const pump = () => {
            while (k < chunks.length) if (!stream.write(chunks[k++])) return void stream.once('drain', pump);
            stream.end();
          };
          pump();
        });
      });
      await conn.unsafe('COMMIT');
      return result;
    } catch (error) {
      lost = connectionLost(error);
      // On a lost connection the server has rolled back already, and nothing more may be sent on it.
      if (!lost) await conn.unsafe('ROLLBACK').catch(() => {});
      const code = pgCode(error);
      if (lost || !code || !RETRYABLE.has(code) || attempt >= 5) throw error;
    } finally {
      if (!lost) conn.release();
    }
    await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
  }
}

const dialect = new PgDialect();
// A unique violation means a concurrent write took one of the file's ids after the lookup:
// run the transaction again, and the lookup will find it.
const RETRYABLE = new Set(['40001', '40P01', '23505']);

function connectionLost(error: unknown): boolean {
  const code = pgCode(error) ?? String((error as { code?: unknown })?.code ?? '');
  return /^(08|57P0)/.test(code) || /^(CONNECTION_|ECONN|EPIPE|ETIMEDOUT|CONNECT_TIMEOUT)/.test(code);
}
