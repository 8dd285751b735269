import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.ts';
import { withDatabase } from './global-setup.ts';

export type TestDatabase = {
  handle: DbHandle;
  /** Set when running on the PostgreSQL server: the URL of this file's own database. */
  url: string | null;
  close: () => Promise<void>;
};

/** A database of this test file's own: a PGlite copy of the image, or a clone of the server template. */
export async function createTestDatabase({ poolMax = 10 } = {}): Promise<TestDatabase> {
  const template = inject('pgTemplate');
  const serverUrl = inject('databaseUrl');
  if (template && serverUrl) {
    const name = `guoyun_test_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const url = withDatabase(serverUrl, name);
    const handle = await createDb({ databaseUrl: url, poolMax });
    return {
      handle,
      url,
      close: async () => {
        await handle.close();
        const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
        await a.end();
      },
    };
  }
  const image = readFileSync(inject('pgliteImage'));
  const pg = await PGlite.create({ loadDataDir: new Blob([image]) });
  const handle = await createDb({ pglite: pg });
  return { handle, url: null, close: () => handle.close() };
}
