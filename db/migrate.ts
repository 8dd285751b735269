import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import type { DbHandle } from './client.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

// Any constant will do; it only has to be the same in every Guoyun process.
const MIGRATION_LOCK_KEY = 4_711_0323;

export async function migrateDb(handle: DbHandle): Promise<void> {
  if (handle.driver.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  // Several processes may start at once against one server: an advisory lock on a
  // dedicated connection makes the second wait and then find nothing left to apply.
  const single = postgres(handle.driver.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres(single), { migrationsFolder });
  } finally {
    await single`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
    await single.end({ timeout: 5 });
  }
}
