import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '../config.ts';
import { CliError, redactUrl, lockPgliteFolder, parseFileArgs, runCli, runPgTool } from './backup-tools.ts';

// `npm run backup -- <file> [--force]`
//   embedded (PGlite): a gzip tar of the DATA_DIR folder (dumpDataDir); the server must be stopped.
//   PostgreSQL (DATABASE_URL): `pg_dump --format=custom` of that database; the server may keep running.
// The file is written under a temporary name and renamed once complete; an existing file is
// kept unless --force.

const USAGE = 'usage: npm run backup -- <file> [--force]';

await runCli(async () => {
  const { file, force } = parseFileArgs(USAGE);
  if (existsSync(file) && !force) throw new CliError(`${file} already exists; pass --force to overwrite it.`);
  const config = loadConfig();
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });

  try {
    if (config.databaseUrl) {
      console.log(`backup: pg_dump of ${redactUrl(config.databaseUrl)} → ${file}`);
      await runPgTool('pg_dump', ['--format=custom', `--file=${partial}`, `--dbname=${config.databaseUrl}`]);
    } else {
      const dataDir = resolve(config.dataDir);
      if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new CliError(`${dataDir} holds no embedded database (set DATA_DIR to the server's data folder).`);
      const release = lockPgliteFolder(dataDir);
      try {
        console.log(`backup: embedded database in ${dataDir} → ${file}`);
        const pg = await PGlite.create(dataDir);
        try {
          const dump = await pg.dumpDataDir('gzip');
          writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
        } finally {
          await pg.close();
        }
      } finally {
        release();
      }
    }
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  console.log(`backup: done — restore with: npm run restore -- ${file}`);
  return 0;
});
