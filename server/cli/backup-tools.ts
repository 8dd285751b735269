import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { acquireFolderLock } from '../../db/pglite-folder.ts';
import { ConfigError, type Config } from '../config.ts';
import { verifyTallies } from '../domain/verify/verify-tallies.ts';
import { dbOptions, openDatabase } from '../startup.ts';

// Shared by `npm run backup`, `npm run restore` and `npm run verify`.

/** A refusal or a failure the operator can act on: printed without a stack, exits non-zero. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Runs a CLI entry point: a CliError prints its message alone; anything else its stack. */
export async function runCli(main: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError) {
      console.error(error.message);
      code = error instanceof CliError ? error.exitCode : 2;
    } else {
      console.error(error);
      code = 1;
    }
  }
  process.exit(code);
}

/** Recomputes every tally from the ledger of the configured database; true when all agree. */
export async function verifyDatabase(config: Config, prefix = 'verify'): Promise<boolean> {
  const { handle, systemCtx } = await openDatabase(dbOptions(config), undefined, { seasons: false });
  try {
    const report = await verifyTallies({ ctx: systemCtx });
    const { cells, rollups, stock } = report.checked;
    console.log(`${prefix}: checked ${cells} volume cells, ${rollups} project rollup rows, ${stock} stock rows (${handle.kind})`);
    if (report.ok) {
      console.log(`${prefix}: OK — every tally equals what the ledger sums to`);
      return true;
    }
    console.error(`${prefix}: ${report.differenceCount} difference(s) between tallies and ledger:`);
    for (const d of report.differences) console.error(`  ${d.tally} ${d.key}: expected ${d.expected}, found ${d.actual}`);
    return false;
  } finally {
    await handle.close();
  }
}

/**
 * Takes the embedded database folder's lock (see db/pglite-folder.ts) for as long as the command
 * works on it: a running server holds it, and two processes on one folder corrupt it. A lock
 * left by a killed server is stale and taken over. Returns the release function.
 */
export function lockPgliteFolder(dataDir: string): () => void {
  try {
    return acquireFolderLock(dataDir);
  } catch (error) {
    throw new CliError(`${dataDir} is in use: ${(error as Error).message}\nStop the Guoyun server first: the embedded database holds one process only.`);
  }
}

export const isEmptyDir = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

/** Runs pg_dump / pg_restore; a missing program or a non-zero exit becomes a CliError. */
export function runPgTool(program: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new CliError(
              `${program} was not found on PATH. Install the PostgreSQL client tools (the same major version as the server or newer), e.g. apt install postgresql-client.`,
              1,
            )
          : error,
      );
    });
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CliError(`${program} failed (${signal ?? `exit code ${code}`}); see its messages above.`, 1));
    });
  });
}

/** Tables, sequences and views outside the system schemas: 0 means an empty database. */
export async function countUserRelations(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm', 'f') AND s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg\_toast%' AND s.nspname NOT LIKE 'pg\_temp%'`;
    return row!.n;
  } catch (error) {
    throw new CliError(`Cannot connect to the database in DATABASE_URL: ${(error as Error).message}`, 1);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The database URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** `<file> [--force]`, the arguments of both backup and restore; the path comes back absolute. */
export function parseFileArgs(usage: string): { file: string; force: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${usage}`);
  }
  if (parsed.positionals.length !== 1) throw new CliError(usage);
  return { file: resolve(parsed.positionals[0]!), force: parsed.values.force ?? false };
}
