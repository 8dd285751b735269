// Builds the SvelteKit app in web/ into web/build (adapter-node), which server/main.ts mounts.
//
//   tsx scripts/build-web.ts             build now                  (npm run build)
//   tsx scripts/build-web.ts --if-stale  build only if the sources changed since the last build
//                                        (npm start, and the browser tests)
//
// "Changed" is a hash of the sources' contents, stored beside the build once it succeeds, so a
// half-written build is never taken for a current one. Concurrent runs (two test runs, say)
// take turns through a lock directory; the second finds the build current and does nothing.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatWebSize, measureWebSize } from './web-size.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const STAMP = join(WEB, 'build', '.sources-hash');
const LOCK = join(ROOT, '.tmp', 'web-build.lock');
const SOURCES = [
  'web/src',
  'web/static',
  'web/svelte.config.js',
  'web/vite.config.ts',
  'web/package.json',
  'web/tsconfig.json',
  // imported by the web app through its $contracts and $rules aliases
  'server/contracts',
  'server/rules',
  // dependency versions
  'package-lock.json',
];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

export function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((s) => files(join(ROOT, s)))) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export function isCurrent(hash = sourcesHash()): boolean {
  return existsSync(join(WEB, 'build', 'handler.js')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        // being created or removed right now
      }
      // A build killed halfway leaves its lock behind: take it over.
      if (Number.isInteger(holder) && holder > 0 && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for another web build (lock ${LOCK})`, { cause: error });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const INHERITED_FROM_VITEST = /^(VITEST.*|TEST|NODE_ENV|MODE|DEV|PROD|SSR|BASE_URL)$/;

/** Runs vite; when quiet, its chatter (bundler notes about dependencies) is shown only if it fails. */
function run(args: string[], quiet: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    // A build started from a test run would otherwise inherit vitest's NODE_ENV=test, DEV=1, MODE…
    // and ship Svelte's development runtime: the build is the same whoever starts it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED_FROM_VITEST.test(k)));
    const child = spawn(process.execPath, args, { cwd: WEB, env: { ...env, NODE_ENV: 'production' }, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      if (quiet) process.stderr.write(output);
      reject(new Error(`web build failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Builds web/ (or, with ifStale, only when needed); true when it built. */
export async function buildWeb({
  ifStale = false,
  quiet = ifStale,
  log = console.log,
}: { ifStale?: boolean; quiet?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  if (ifStale && isCurrent()) return false;
  return withLock(async () => {
    const hash = sourcesHash();
    if (ifStale && isCurrent(hash)) return false;
    log(ifStale ? 'Building the web app (first start, or its sources changed)…' : 'Building the web app…');
    const started = Date.now();
    await run([join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], quiet);
    const size = measureWebSize(WEB);
    writeFileSync(join(WEB, 'build', 'size-report.json'), `${JSON.stringify(size, null, 2)}\n`);
    writeFileSync(STAMP, `${hash}\n`);
    log(`Web app built in ${((Date.now() - started) / 1000).toFixed(1)} s → web/build. ${formatWebSize(size)}`);
    return true;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWeb({ ifStale: process.argv.includes('--if-stale') }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
