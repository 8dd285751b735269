import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgSession } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { openPgliteFolder } from './pglite-folder.ts';
import { withSafeTransactions } from './connection-loss.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** Either driver's drizzle database: the domain is written once against this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export type DbHandle = {
  db: Db;
  kind: DatabaseKind;
  /** The underlying driver, for the few things drizzle does not cover (LISTEN, dumps). */
  driver: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; client: postgres.Sql; url: string };
  close: () => Promise<void>;
};

export type DbOptions = {
  databaseUrl?: string;
  /** PGlite data folder; ignored when databaseUrl is set. `memory://` keeps it in memory. */
  dataDir?: string;
  /** An already-open PGlite (tests load a migrated image into one). */
  pglite?: PGlite;
  poolMax?: number;
  /** postgres.js connect timeout, seconds: a dead server should fail a request fast, not hang it. */
  connectTimeoutSeconds?: number;
};

/**
 * A refused or dropped connection fails at once; only a server that accepts nothing and
 * refuses nothing (a host gone from the network) waits this long. Local connections take
 * milliseconds, so a few seconds is generous even on a loaded machine.
 */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 3;
const MAX_RECONNECT_WAIT_SECONDS = 0.5;

export async function createDb(options: DbOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const client = postgres(options.databaseUrl, {
      max: options.poolMax ?? 10,
      connect_timeout: options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS,
      // postgres.js waits before reconnecting after a failed connection, by default up to 20 s
      // once a few attempts have failed: while the server is down each request would wait that
      // long to learn so, and once it is back the pool would take as long to notice. A refused
      // connect costs next to nothing, so the wait stays short.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, MAX_RECONNECT_WAIT_SECONDS),
      idle_timeout: 60,
      onnotice: () => {},
      connection: { application_name: 'guoyun', TimeZone: 'UTC' },
    });
    const db = drizzlePostgres(withSafeTransactions(client), { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      driver: { kind: 'postgres', client, url: options.databaseUrl },
      close: () => client.end({ timeout: 5 }),
    };
  }
  let client = options.pglite;
  // A folder is opened locked and with fsync on (db/pglite-folder.ts, docs/durability.md).
  let release = () => {};
  if (!client) {
    const dir = options.dataDir ?? './data';
    if (dir.startsWith('memory://')) client = await PGlite.create(dir);
    else ({ client, release } = await openPgliteFolder(dir));
  }
  const owned = client;
  const close = async () => {
    try {
      // Closing ends with a shutdown checkpoint, so the next start needs no WAL replay.
      if (!owned.closed) await owned.close();
    } finally {
      release();
    }
  };
  try {
    await owned.exec(`SET TIME ZONE 'UTC'`);
  } catch (error) {
    await close();
    throw error;
  }
  const db = drizzlePglite(owned, { schema }) as unknown as Db;
  return { db, kind: 'pglite', driver: { kind: 'pglite', client: owned }, close };
}

/**
 * Runs a statement prepared, on either driver and inside or outside a transaction.
 * drizzle's `execute` never prepares on postgres.js, so a long statement would be parsed
 * and planned on every call; hot paths keep their text fixed (rows travel as one JSON
 * parameter) and come through here, and postgres.js reuses the plan per connection.
 */
export async function execPrepared<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const d = db as unknown as { dialect: PgDialect; session: PgSession };
  // A name (any name) is what makes drizzle ask the driver to prepare.
  const prepared = d.session.prepareQuery(d.dialect.sqlToQuery(query), undefined, 'guoyun', false);
  return rowsOf<T>(await prepared.execute());
}

/** Rows of a `db.execute` result, whichever driver produced it. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
