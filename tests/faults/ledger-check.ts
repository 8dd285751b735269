import { PRODUCT, cellKey, pickupsOf, shanghaiDate, type ClientLog, type PickupBody } from './client-plan.ts';

// After a fault run: does the ledger hold exactly what the clients were told it holds?
// The clients' logs are the only source of what to expect; the database is asked only
// whether each write is there (and, for writes never acknowledged, that is all it decides).

export type Split = { counted: number; confirmed: number; provisional: number };
export type ExpectedProgress = Split & {
  byTown: Record<string, Split>;
  byCarrier: Record<string, Split>;
  daily: Record<string, number>;
};

export type LedgerCheck = {
  problems: string[];
  writes: { total: number; acknowledged: number; pickups: number; batches: number; reports: number };
  unacknowledged: { present: number; absent: number };
  pickupsOnRecord: number;
  reportRevisions: number;
  expected: ExpectedProgress;
};

/**
 * Runs one SQL statement ($1… parameters) and returns its rows: postgres.js's
 * `(text, params) => sql.unsafe(text, params)`, or PGlite's `async (text, params) => (await pg.query(text, params)).rows`.
 */
export type RunQuery = <T>(text: string, params: unknown[]) => Promise<T[]>;

type PickupRow = {
  id: string;
  cooperative_id: string;
  town_code: string;
  carrier_code: string;
  product_code: string;
  parcels: number;
  business_date: string;
  picked_up_at: Date;
};

export async function checkLedger(
  query: RunQuery,
  logs: ClientLog[],
  { cooperativeIds, startsOn, endsOn }: { cooperativeIds: string[]; startsOn: string; endsOn: string },
): Promise<LedgerCheck> {
  const problems: string[] = [];
  const problem = (text: string) => problems.length < 50 && problems.push(text);

  // Lists travel as one JSON text parameter (typed text, so no driver encodes it again).
  const rows = await query<PickupRow>(
    `SELECT id::text AS id, cooperative_id::text AS cooperative_id, town_code, carrier_code, product_code, parcels,
            business_date::text AS business_date, picked_up_at
     FROM pickups WHERE cooperative_id IN (SELECT value::uuid FROM json_array_elements_text($1::text::json))`,
    [JSON.stringify(cooperativeIds)],
  );
  const onRecord = new Map(rows.map((r) => [r.id, r]));
  const audits = await query<{ target_id: string; n: number }>(
    `SELECT target_id, count(*)::int AS n FROM audit_log
     WHERE action = 'pickup.record' AND target_id IN (SELECT json_array_elements_text($1::text::json))
     GROUP BY target_id`,
    [JSON.stringify(rows.map((r) => r.id))],
  );
  const auditCount = new Map(audits.map((a) => [a.target_id, a.n]));
  const revisions = await query<{ carrier_code: string; town_code: string; business_date: string; revision: number; parcels: number }>(
    `SELECT carrier_code, town_code, business_date::text AS business_date, revision, parcels
     FROM carrier_volume_revisions WHERE product_code = $1
     ORDER BY carrier_code, town_code, business_date, revision`,
    [PRODUCT],
  );

  const writes = { total: 0, acknowledged: 0, pickups: 0, batches: 0, reports: 0 };
  const unacknowledged = { present: 0, absent: 0 };
  const known = new Set<string>();
  /** The pickups the ledger should hold: every acknowledged one, and the unacknowledged ones it does hold. */
  const counted: PickupBody[] = [];
  /** Per carrier cell, the figures sent in order, with whether each was acknowledged. */
  const sentFigures = new Map<string, { parcels: number; acked: boolean; where: string }[]>();

  for (const log of logs) {
    for (const [op, write] of [...log.intents].sort((a, b) => a[0] - b[0])) {
      const where = `${log.file.split('/').pop()} op ${op}`;
      const acked = log.acked.has(op);
      writes.total++;
      if (acked) writes.acknowledged++;
      if (write.kind === 'report') {
        if (acked) writes.reports++;
        const key = cellKey(write);
        const list = sentFigures.get(key) ?? [];
        list.push({ parcels: write.parcels, acked, where });
        sentFigures.set(key, list);
        continue;
      }
      if (acked) writes[write.kind === 'pickup' ? 'pickups' : 'batches']++;
      const items = pickupsOf(write);
      let present = 0;
      for (const p of items) {
        if (known.has(p.id)) problem(`${where}: pickup id ${p.id} was sent by two writes`);
        known.add(p.id);
        const row = onRecord.get(p.id);
        if (!row) continue;
        present++;
        const differences = [
          row.cooperative_id !== p.cooperativeId && 'cooperative',
          row.town_code !== p.townCode && 'town',
          row.carrier_code !== p.carrierCode && 'carrier',
          row.product_code !== p.productCode && 'product',
          row.parcels !== p.parcels && 'parcels',
          row.business_date !== shanghaiDate(p.pickedUpAt) && 'business date',
          new Date(row.picked_up_at).toISOString() !== p.pickedUpAt && 'pickedUpAt',
        ].filter(Boolean);
        if (differences.length) problem(`${where}: pickup ${p.id} on record differs in ${differences.join(', ')}`);
        const n = auditCount.get(p.id) ?? 0;
        if (n !== 1) problem(`${where}: pickup ${p.id} has ${n} audit rows, expected 1`);
      }
      if (acked && present !== items.length) problem(`${where}: acknowledged ${write.kind} holds ${present} of its ${items.length} pickup(s) in the ledger`);
      if (!acked && present !== 0 && present !== items.length)
        problem(`${where}: unacknowledged ${write.kind} is half in the ledger (${present} of ${items.length})`);
      if (!acked) unacknowledged[present ? 'present' : 'absent']++;
      if (present) counted.push(...items);
    }
  }
  for (const row of rows) if (!known.has(row.id)) problem(`pickup ${row.id} is in the ledger but no client sent it`);

  // Carrier figures are cumulative and latest-wins: the revisions of a cell must be the figures
  // sent, in the order sent, each at most once, every acknowledged one among them.
  const revisionsByCell = new Map<string, number[]>();
  for (const r of revisions) {
    const key = cellKey({ date: r.business_date, townCode: r.town_code, carrierCode: r.carrier_code });
    revisionsByCell.set(key, [...(revisionsByCell.get(key) ?? []), r.parcels]);
  }
  const reported = new Map<string, number>();
  for (const [key, figures] of revisionsByCell) {
    const sent = sentFigures.get(key);
    if (!sent) {
      problem(`carrier cell ${key} has revisions ${figures.join(', ')} but no client reported it`);
      continue;
    }
    const sentValues = sent.map((s) => s.parcels);
    if (figures.some((f, i) => i > 0 && f <= figures[i - 1]))
      problem(`carrier cell ${key}: revisions ${figures.join(', ')} are not in the order sent (${sentValues.join(', ')})`);
    for (const f of figures) if (!sentValues.includes(f)) problem(`carrier cell ${key}: revision ${f} was never sent`);
    reported.set(key, figures.at(-1)!);
  }
  for (const [key, sent] of sentFigures) {
    const figures = revisionsByCell.get(key) ?? [];
    for (const s of sent) {
      if (!s.acked) {
        unacknowledged[figures.includes(s.parcels) ? 'present' : 'absent']++;
        continue;
      }
      if (!figures.includes(s.parcels)) problem(`${s.where}: acknowledged figure ${s.parcels} for ${key} is not among its revisions`);
    }
    // The client's own view of the cell: its last acknowledged figure, or a later one that got in unacknowledged.
    const lastAcked = sent.filter((s) => s.acked).at(-1)?.parcels;
    const later = sent.filter((s) => !s.acked && figures.includes(s.parcels)).at(-1)?.parcels;
    const expected = Math.max(lastAcked ?? 0, later ?? 0);
    if ((lastAcked !== undefined || later !== undefined) && reported.get(key) !== expected)
      problem(`carrier cell ${key}: counts ${reported.get(key)}, the client's last figure was ${expected}`);
  }

  return {
    problems,
    writes,
    unacknowledged,
    pickupsOnRecord: rows.length,
    reportRevisions: revisions.length,
    expected: expectedProgress(counted, reported, startsOn, endsOn),
  };
}

/** The counting rule, applied to the clients' own record: a reported cell counts its latest figure, any other its pickups. */
export function expectedProgress(pickups: PickupBody[], reported: Map<string, number>, startsOn: string, endsOn: string): ExpectedProgress {
  const cells = new Map<string, { date: string; townCode: string; carrierCode: string; logged: number }>();
  for (const p of pickups) {
    const cell = { date: shanghaiDate(p.pickedUpAt), townCode: p.townCode, carrierCode: p.carrierCode };
    const key = cellKey(cell);
    cells.set(key, { ...cell, logged: (cells.get(key)?.logged ?? 0) + p.parcels });
  }
  for (const key of reported.keys()) {
    const [date, townCode, carrierCode] = key.split('|');
    if (!cells.has(key)) cells.set(key, { date, townCode, carrierCode, logged: 0 });
  }
  const zero = (): Split => ({ counted: 0, confirmed: 0, provisional: 0 });
  const out: ExpectedProgress = { ...zero(), byTown: {}, byCarrier: {}, daily: {} };
  for (const [key, cell] of cells) {
    if (cell.date < startsOn || cell.date > endsOn) continue;
    const figure = reported.get(key);
    const part: Split =
      figure === undefined ? { counted: cell.logged, confirmed: 0, provisional: cell.logged } : { counted: figure, confirmed: figure, provisional: 0 };
    for (const target of [out, (out.byTown[cell.townCode] ??= zero()), (out.byCarrier[cell.carrierCode] ??= zero())]) {
      target.counted += part.counted;
      target.confirmed += part.confirmed;
      target.provisional += part.provisional;
    }
    out.daily[cell.date] = (out.daily[cell.date] ?? 0) + part.counted;
  }
  return out;
}
