// What fsync costs the embedded database (issue #8): the same work on a PGlite folder opened
// as PGlite ships (fsync off, no fsync in its Node file system) and as Guoyun opens it
// (db/pglite-folder.ts: fsync on, WAL fsync()ed at every commit). Rounds alternate between
// the two so that a busy machine slows both alike.
//
//   npx tsx tests/faults/pglite-fsync-bench.ts [--rounds 3] [--pickups 300] [--inserts 500]
//
// Measures, per variant: single-row commits/s straight on PGlite, and single pickups/s over
// HTTP from one client waiting for each answer (POST /api/v1/pickups on the real app).

import { randomUUID } from 'node:crypto';
import nodeFs, { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openPgliteFolder } from '../../db/pglite-folder.ts';
import { createToken } from '../../server/domain/accounts/tokens.ts';
import { createCooperative } from '../../server/domain/organizations/create-cooperative.ts';
import { buildApp } from '../../server/http/app.ts';
import { openDatabase } from '../../server/startup.ts';

type Variant = 'stock' | 'durable';
type Sample = { variant: Variant; commitsPerSec: number; pickupsPerSec: number; p50: number; p95: number; fsyncsPerPickup: number };

// Counts the host fsyncs PGlite makes (it calls Node's fs synchronously from inside PostgreSQL).
let fsyncCalls = 0;
const realFsync = nodeFs.fsyncSync;
nodeFs.fsyncSync = (fd) => {
  fsyncCalls++;
  realFsync(fd);
};
syncBuiltinESMExports();

const { values } = parseArgs({ options: { rounds: { type: 'string' }, pickups: { type: 'string' }, inserts: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 3);
const PICKUPS = Number(values.pickups ?? 300);
const INSERTS = Number(values.inserts ?? 500);

const root = mkdtempSync(join(tmpdir(), 'guoyun-fsync-bench-'));
const dirs: Record<Variant, string> = { stock: join(root, 'stock'), durable: join(root, 'durable') };

async function open(variant: Variant): Promise<{ client: PGlite; release: () => void }> {
  if (variant === 'durable') return openPgliteFolder(dirs.durable);
  return { client: await PGlite.create(dirs.stock), release: () => {} };
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function round(variant: Variant): Promise<Sample> {
  const { client, release } = await open(variant);
  try {
    await client.exec('CREATE TABLE IF NOT EXISTS bench_commits (id uuid PRIMARY KEY, pad text)');
    const pad = 'x'.repeat(200);
    let t0 = performance.now();
    for (let i = 0; i < INSERTS; i++) await client.query('INSERT INTO bench_commits VALUES ($1, $2)', [randomUUID(), pad]);
    const commitsPerSec = INSERTS / ((performance.now() - t0) / 1000);

    const { handle, reference, systemCtx } = await openDatabase({ pglite: client });
    const app = await buildApp({
      config: { bodyLimitBytes: 2 * 1024 * 1024, logLevel: 'silent', sessionHours: 24, cookieSecure: false },
      handle,
      reference,
    });
    try {
      const coop = await createCooperative({ ctx: systemCtx, input: { name: `基准合作社 ${variant}`, townCode: '370323109' } });
      const { token } = await createToken({ ctx: systemCtx, input: { name: `bench ${randomUUID()}`, role: 'cooperative', organization: coop.cooperative.id } });
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const post = (body: unknown) =>
        fetch(`${address}/api/v1/pickups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const body = () => ({
        id: randomUUID(),
        cooperativeId: coop.cooperative.id,
        townCode: '370323109',
        carrierCode: 'sf',
        productCode: 'apple',
        parcels: 3,
        pickedUpAt: new Date(Date.now() - 3_600_000).toISOString(),
      });
      for (let i = 0; i < 20; i++) await post(body()); // warm-up: JIT, caches, prepared plans
      const latencies: number[] = [];
      const fsyncsBefore = fsyncCalls;
      t0 = performance.now();
      for (let i = 0; i < PICKUPS; i++) {
        const t = performance.now();
        const res = await post(body());
        if (res.status !== 201) throw new Error(`pickup answered ${res.status}: ${await res.text()}`);
        latencies.push(performance.now() - t);
      }
      const pickupsPerSec = PICKUPS / ((performance.now() - t0) / 1000);
      const fsyncsPerPickup = (fsyncCalls - fsyncsBefore) / PICKUPS;
      return { variant, commitsPerSec, pickupsPerSec, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), fsyncsPerPickup };
    } finally {
      await app.close();
    }
  } finally {
    if (!client.closed) await client.close();
    release();
  }
}

/** The disk's own price of one fsync, for reading the figures above. */
function fsyncMillis(n = 300): number {
  const path = join(root, 'fsync-probe');
  const fd = openSync(path, 'w');
  const page = Buffer.alloc(8192, 1);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    writeSync(fd, page, 0, page.length, (i % 16) * 8192);
    fsyncSync(fd);
  }
  const ms = (performance.now() - t0) / n;
  closeSync(fd);
  return ms;
}

const samples: Sample[] = [];
try {
  console.log(`fsync of an 8 KiB write on ${root}: ${fsyncMillis().toFixed(2)} ms`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const variant of (r % 2 ? ['durable', 'stock'] : ['stock', 'durable']) as Variant[]) {
      const s = await round(variant);
      samples.push(s);
      console.log(
        `round ${r + 1} ${variant.padEnd(7)}: ${s.commitsPerSec.toFixed(0)} commits/s; ${s.pickupsPerSec.toFixed(0)} pickups/s (p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms; ${s.fsyncsPerPickup.toFixed(2)} fsyncs each)`,
      );
    }
  }
  const median = (xs: number[]) => quantile(xs, 0.5);
  const summary = (v: Variant) => {
    const mine = samples.filter((s) => s.variant === v);
    return { commits: median(mine.map((s) => s.commitsPerSec)), pickups: median(mine.map((s) => s.pickupsPerSec)), p50: median(mine.map((s) => s.p50)) };
  };
  const stock = summary('stock');
  const durable = summary('durable');
  console.log(`median stock  : ${stock.commits.toFixed(0)} commits/s, ${stock.pickups.toFixed(0)} pickups/s, p50 ${stock.p50.toFixed(1)} ms`);
  console.log(`median durable: ${durable.commits.toFixed(0)} commits/s, ${durable.pickups.toFixed(0)} pickups/s, p50 ${durable.p50.toFixed(1)} ms`);
  console.log(
    `cost of fsync: ${((1 - durable.pickups / stock.pickups) * 100).toFixed(0)} % fewer single pickups/s, +${(durable.p50 - stock.p50).toFixed(1)} ms per pickup (p50)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
