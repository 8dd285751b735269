// A full season of data written straight into the bench database with COPY: setup, not
// measurement. Pickups follow the reference daily curves (db/seed/yiyuan-reference.json),
// spread over towns and carriers; carriers report most cells. The tallies are then computed
// set-wise from the ledger, and `verify` (run by the caller) proves they match.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type postgres from 'postgres';

type Shape = { from: string; to: string; share: number }[];
type ReferenceJson = { towns: { code: string }[]; carriers: { code: string }[]; seasonShapes: Record<string, Shape> };
const reference: ReferenceJson = JSON.parse(readFileSync(new URL('../../db/seed/yiyuan-reference.json', import.meta.url), 'utf8'));

// Rough shares of each town and carrier, as the demo data uses them.
const TOWN_WEIGHT: Record<string, Record<string, number>> = {
  apple: {
    '370323001': 0.5,
    '370323002': 0.6,
    '370323102': 1.0,
    '370323103': 1.4,
    '370323104': 1.1,
    '370323105': 1.1,
    '370323106': 1.0,
    '370323107': 1.2,
    '370323108': 1.0,
    '370323109': 0.8,
    '370323110': 0.8,
    '370323111': 1.3,
  },
  cherry: {
    '370323001': 0.3,
    '370323002': 0.4,
    '370323102': 0.6,
    '370323103': 0.7,
    '370323104': 0.6,
    '370323105': 0.8,
    '370323106': 1.0,
    '370323107': 1.0,
    '370323108': 1.2,
    '370323109': 3.0,
    '370323110': 0.7,
    '370323111': 0.6,
  },
};
const CARRIER_SHARE: Record<string, number> = { ems: 0.3, zto: 0.18, yto: 0.12, yunda: 0.12, sf: 0.1, jd: 0.06, sto: 0.06, jt: 0.04, deppon: 0.02 };
const VARIETIES: Record<string, string[]> = { apple: ['嘎啦', '红将军', '金帅', '红富士'], cherry: ['红灯', '布鲁克斯', '美早', '先锋', '萨米脱'] };

/** A small seeded generator, so that the same scale gives the same season. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Parcels per business day of a season, following the reference shape (with the Double-11 spike for apples), summing to `total`. */
export function dailyCurve(product: string, startsOn: string, endsOn: string, total: number, rand: () => number): Map<string, number> {
  const shape = reference.seasonShapes[product];
  const year0 = Number(startsOn.slice(0, 4));
  const dateIn = (mmdd: string) => (`${year0}-${mmdd}` >= startsOn ? `${year0}-${mmdd}` : `${year0 + 1}-${mmdd}`);
  const raw = new Map<string, number>();
  for (const period of shape) {
    const days: string[] = [];
    for (let d = dateIn(period.from); d <= dateIn(period.to) && d <= endsOn; d = addDays(d, 1)) days.push(d);
    for (const d of days) {
      const spike = d.slice(5) >= '11-09' && d.slice(5) <= '11-12' ? 2.2 : 1;
      raw.set(d, (raw.get(d) ?? 0) + (period.share / days.length) * spike * (0.75 + rand() * 0.5));
    }
  }
  const sum = [...raw.values()].reduce((a, b) => a + b, 0);
  return new Map([...raw].sort(([a], [b]) => (a < b ? -1 : 1)).map(([d, w]) => [d, (total * w) / sum]));
}

export type SeasonSpec = { productCode: string; startsOn: string; endsOn: string; parcels: number };
export type SeasonResult = { rows: number; parcels: number; reports: number; seconds: { copy: number; indexes: number; tallies: number } };

/**
 * Writes the seasons' pickups and carrier reports, then the cells and the rollups of `projectIds`
 * (which must be the only projects counting these seasons' dates). `cooperativeOf` gives each
 * town's cooperative. Secondary indexes and foreign keys of `pickups` are dropped for the load
 * and rebuilt after, as one would for any bulk load of this size.
 */
export async function seedSeasons(
  sql: postgres.Sql,
  {
    seasons,
    cooperativeOf,
    parcelsPerPickup,
    projectIds,
    log,
  }: {
    seasons: SeasonSpec[];
    cooperativeOf: (townCode: string) => string;
    parcelsPerPickup: number;
    projectIds: string[];
    log: (msg: string) => void;
  },
): Promise<SeasonResult> {
  const rand = seeded(20261129);
  const t0 = performance.now();
  const indexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes
    where tablename = 'pickups' and indexname not in (select conname from pg_constraint where conrelid = 'pickups'::regclass)`;
  const fks = await sql<{ name: string; def: string }[]>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'pickups'::regclass and contype = 'f'`;
  for (const fk of fks) await sql.unsafe(`alter table pickups drop constraint ${fk.name}`);
  for (const ix of indexes) await sql.unsafe(`drop index ${ix.name}`);

  let rows = 0;
  let parcels = 0;
  const reports: string[] = [];
  // Seeded ids are time-ordered (UUIDv7 layout), so the primary key grows at its right edge;
  // the measured writes use random v4 ids as phones do.
  let seq = 0x0193_0000_0000;
  const noise = randomBytes(1 << 16).toString('hex');
  const nextId = () => {
    const n = (seq++).toString(16).padStart(12, '0');
    const at = (seq * 19) % (noise.length - 20);
    return `${n.slice(0, 8)}-${n.slice(8, 12)}-7${noise.slice(at, at + 3)}-a${noise.slice(at + 3, at + 6)}-${noise.slice(at + 6, at + 18)}`;
  };
  const hash = randomBytes(32).toString('base64url');
  const stream = await sql`copy pickups (id, cooperative_id, town_code, village, carrier_code, product_code, variety, parcels, weight_kg,
    picked_up_at, business_date, request_hash, recorded_at, recorded_by) from stdin`.writable();
  const write = (chunk: string) => (stream.write(chunk) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r())));
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
  });

  for (const season of seasons) {
    const curve = dailyCurve(season.productCode, season.startsOn, season.endsOn, season.parcels, rand);
    const townWeights = TOWN_WEIGHT[season.productCode];
    const townSum = Object.values(townWeights).reduce((a, b) => a + b, 0);
    const varieties = VARIETIES[season.productCode];
    let lastLog = performance.now();
    for (const [date, dayTotal] of curve) {
      let out = '';
      for (const town of reference.towns) {
        for (const carrier of reference.carriers) {
          const cell = Math.round(((dayTotal * townWeights[town.code]) / townSum) * (CARRIER_SHARE[carrier.code] ?? 0.02) * (0.8 + rand() * 0.4));
          if (cell <= 0) continue;
          parcels += cell;
          const coop = cooperativeOf(town.code);
          const dayStart = Date.parse(`${date}T00:00:00+08:00`);
          for (let left = cell; left > 0;) {
            const n = Math.min(left, parcelsPerPickup);
            left -= n;
            const at = new Date(dayStart + Math.floor((6 + rand() * 12) * 3_600_000));
            const iso = at.toISOString();
            out += `${nextId()}\t${coop}\t${town.code}\t\\N\t${carrier.code}\t${season.productCode}\t${varieties[rows % varieties.length]}\t${n}\t\\N\t${iso}\t${date}\t${hash}\t${iso}\tbench-seed\n`;
            rows++;
            if (out.length > 1 << 20) {
              await write(out);
              out = '';
            }
          }
          // The season is over: carriers reported nearly every cell, a little above the
          // cooperatives' logs (walk-in parcels) or below (to reconcile); 3% stay provisional.
          if (rand() >= 0.03)
            reports.push(
              `${carrier.code}\t${town.code}\t${season.productCode}\t${date}\t1\t${Math.round(cell * (0.96 + rand() * 0.1))}\t${date}T12:00:00Z\tcarrier:${carrier.code}\n`,
            );
        }
      }
      if (out) await write(out);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`  ${season.productCode} ${date}: ${rows.toLocaleString('en')} rows so far`);
      }
    }
  }
  stream.end();
  await finished;
  const reportStream =
    await sql`copy carrier_volume_revisions (carrier_code, town_code, product_code, business_date, revision, parcels, reported_at, reported_by) from stdin`.writable();
  await new Promise<void>((resolve, reject) => {
    reportStream.once('finish', resolve);
    reportStream.once('error', reject);
    reportStream.end(reports.join(''));
  });
  const t1 = performance.now();
  log(
    `  copied ${rows.toLocaleString('en')} pickups and ${reports.length.toLocaleString('en')} carrier reports in ${((t1 - t0) / 1000).toFixed(0)} s; rebuilding indexes`,
  );

  await sql.begin(async (tx) => {
    await tx`set local maintenance_work_mem = '512MB'`;
    for (const ix of indexes) await tx.unsafe(ix.def);
    for (const fk of fks) await tx.unsafe(`alter table pickups add constraint ${fk.name} ${fk.def}`);
  });
  await sql`analyze pickups`;
  const t2 = performance.now();

  // The tallies of the seeded cells, as the write paths would have left them: the cell's logged
  // sum and the carrier's figure; a project counts the figure where reported, else the log.
  const ranges = seasons.map((s) => ({ product: s.productCode, from: s.startsOn, to: s.endsOn }));
  await sql.begin(async (tx) => {
    await tx`set local work_mem = '256MB'`;
    await tx`
      with r as (select * from json_to_recordset(${JSON.stringify(ranges)}::text::json) as x(product text, "from" date, "to" date)),
      logged as (
        select p.product_code, p.business_date, p.town_code, p.carrier_code, sum(p.parcels)::bigint as logged
        from pickups p join r on p.product_code = r.product and p.business_date between r."from" and r."to"
        group by 1, 2, 3, 4
      ),
      reported as (
        select distinct on (product_code, business_date, town_code, carrier_code)
               c.product_code, c.business_date, c.town_code, c.carrier_code, c.parcels::bigint as reported, c.revision
        from carrier_volume_revisions c join r on c.product_code = r.product and c.business_date between r."from" and r."to"
        order by product_code, business_date, town_code, carrier_code, revision desc
      )
      insert into volume_cells (product_code, business_date, town_code, carrier_code, logged_parcels, reported_parcels, revision)
      select product_code, business_date, town_code, carrier_code, coalesce(l.logged, 0), rp.reported, coalesce(rp.revision, 0)
      from logged l full join reported rp using (product_code, business_date, town_code, carrier_code)`;
    await tx`
      insert into project_rollups (project_id, dim, key, slot, confirmed, provisional)
      select p.id, d.dim, d.key, 0, sum(coalesce(c.reported_parcels, 0)),
             sum(case when c.reported_parcels is null then c.logged_parcels else 0 end)
      from volume_cells c
      join projects p on p.product_code = c.product_code and c.business_date between p.starts_on and p.ends_on
                     and (p.town_code is null or p.town_code = c.town_code)
      cross join lateral (values ('town', c.town_code), ('carrier', c.carrier_code), ('day', c.business_date::text)) as d(dim, key)
      where p.id in ${sql(projectIds)}
      group by p.id, d.dim, d.key`;
  });
  await sql`analyze volume_cells`;
  await sql`analyze project_rollups`;
  const t3 = performance.now();
  return { rows, parcels, reports: reports.length, seconds: { copy: (t1 - t0) / 1000, indexes: (t2 - t1) / 1000, tallies: (t3 - t2) / 1000 } };
}
