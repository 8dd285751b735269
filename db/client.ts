import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgSession } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
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

export async function createDb(options: DbOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const client = postgres(options.databaseUrl, {
      max: options.poolMax ?? 10,
      connect_timeout: options.connectTimeoutSeconds ?? 5,
      idle_timeout: 60,
      onnotice: () => {},
      connection: { application_name: 'guoyun', TimeZone: 'UTC' },
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      driver: { kind: 'postgres', client, url: options.databaseUrl },
      close: () => client.end({ timeout: 5 }),
    };
  }
  let client = options.pglite;
  if (!client) {
    const dir = options.dataDir ?? './data';
    if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
    client = await PGlite.create(dir);
  }
  await client.exec(`SET TIME ZONE 'UTC'`);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const owned = client;
  return {
    db,
    kind: 'pglite',
    driver: { kind: 'pglite', client: owned },
    close: async () => {
      if (!owned.closed) await owned.close();
    },
  };
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
