import { createDb, type DbHandle, type DbOptions } from '../db/client.ts';
import { migrateDb } from '../db/migrate.ts';
import { seedReferenceData } from '../db/seed/seed-reference.ts';
import type { Config } from './config.ts';
import { systemActor, type Clock, type Ctx } from './domain/context.ts';
import { ensureSeasonProjects } from './domain/projects/ensure-season-projects.ts';
import { loadReference, type Reference } from './domain/reference/load-reference.ts';

export type Opened = { handle: DbHandle; reference: Reference; systemCtx: Ctx };

export function dbOptions(config: Config): DbOptions {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax };
}

/** Opens the database and brings it up to date: migrations, reference data, season projects. */
export async function openDatabase(options: DbOptions, clock: Clock = () => new Date(), { seasons = true } = {}): Promise<Opened> {
  const handle = await createDb(options);
  try {
    await migrateDb(handle);
    await seedReferenceData(handle.db);
    const reference = await loadReference(handle.db);
    const systemCtx: Ctx = { db: handle.db, databaseKind: handle.kind, actor: systemActor, clock, reference };
    if (seasons) await ensureSeasonProjects({ ctx: systemCtx });
    return { handle, reference, systemCtx };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
