import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fsyncTree } from '../../db/pglite-folder.ts';
import { loadConfig } from '../config.ts';
import { CliError, countUserRelations, isEmptyDir, redactUrl, lockPgliteFolder, parseFileArgs, runCli, runPgTool, verifyDatabase } from './backup-tools.ts';

// `npm run restore -- <file> [--force]`, then the tallies are verified (exit 1 if they differ).
//   embedded (PGlite): loads a `npm run backup` file into DATA_DIR. A non-empty DATA_DIR is
//     refused unless --force; then it is moved aside to <DATA_DIR>.before-restore-<time>, not deleted.
//   PostgreSQL (DATABASE_URL): pg_restore into that database, in one transaction. A database
//     that already holds tables is refused unless --force; then `pg_restore --clean --if-exists`.

const USAGE = 'usage: npm run restore -- <file> [--force]';

await runCli(async () => {
  const { file, force } = parseFileArgs(USAGE);
  if (!existsSync(file)) throw new CliError(`${file} does not exist.`);
  const config = loadConfig();
  const head = readFileSync(file).subarray(0, 5);
  const isPgDump = head.toString('latin1') === 'PGDMP';

  if (config.databaseUrl) {
    if (!isPgDump)
      throw new CliError(`${file} is not a pg_dump custom-format archive (an embedded-database backup is restored with DATA_DIR set and DATABASE_URL unset).`);
    const target = redactUrl(config.databaseUrl);
    const relations = await countUserRelations(config.databaseUrl);
    if (relations > 0 && !force) {
      throw new CliError(
        `${target} is not empty (${relations} tables, sequences or views). Restore into a new, empty database ` +
          '(createdb …) or pass --force to replace its contents (pg_restore --clean --if-exists).',
      );
    }
    console.log(`restore: pg_restore ${file} → ${target}${relations > 0 ? ' (replacing its contents)' : ''}`);
    const clean = relations > 0 ? ['--clean', '--if-exists'] : [];
    await runPgTool('pg_restore', ['--no-owner', '--single-transaction', ...clean, `--dbname=${config.databaseUrl}`, file]);
  } else {
    if (isPgDump) throw new CliError(`${file} is a pg_dump archive: set DATABASE_URL to restore it into a PostgreSQL database.`);
    const dataDir = resolve(config.dataDir);
    const occupied = !isEmptyDir(dataDir);
    // Refuses while a server has the folder open; the command then works on a copy beside it.
    if (occupied) lockPgliteFolder(dataDir)();
    if (occupied && !force)
      throw new CliError(
        `${dataDir} is not empty. Restore into a new DATA_DIR, or pass --force to replace it (the current folder is moved aside, not deleted).`,
      );

    // Loaded into a folder of its own first: the target changes only once the load has succeeded.
    const staging = `${dataDir}.restoring-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    console.log(`restore: ${file} → ${dataDir}`);
    try {
      const pg = await PGlite.create({ dataDir: staging, loadDataDir: new Blob([readFileSync(file)]) });
      await pg.query('SELECT 1');
      await pg.close();
      // PGlite never fsyncs what it loads: the restored files reach the disk before the swap.
      fsyncTree(staging);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw new CliError(`${file} could not be loaded as an embedded-database backup: ${(error as Error).message}`, 1);
    }
    if (occupied) {
      const aside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(dataDir, aside);
      console.log(`restore: the previous contents of ${dataDir} are kept in ${aside}`);
    } else if (existsSync(dataDir)) {
      rmdirSync(dataDir);
    }
    renameSync(staging, dataDir);
  }

  console.log('restore: done; verifying the tallies against the ledger…');
  return (await verifyDatabase(config, 'restore')) ? 0 : 1;
});
