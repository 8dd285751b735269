import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

// How Guoyun opens an embedded PGlite folder so that a commit it acknowledged survives a
// killed process and, as far as the disk honours fsync, an OS crash or a power cut.
// docs/durability.md has the study behind each step; in short, PGlite 0.5 as shipped
// starts PostgreSQL with `-F` (fsync off) and its Node file system has no fsync at all,
// so nothing is ever forced to disk, and nothing stops two processes opening one folder.

/** Lock file inside the folder: which process has it open (see acquireFolderLock). */
export const LOCK_FILE = 'guoyun.lock';
/** Present while a first start creates the database; left behind only by an interrupted one. */
export const INIT_MARKER = 'guoyun.initializing';

/**
 * PostgreSQL's own start parameters minus `-F`, with the WAL flushed by fsync(): the one sync
 * call the WebAssembly build routes to the file system (its fdatasync() is an empty stub).
 */
export const DURABLE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync'];

type Mod = Parameters<NodeFS['init']>[1];
type NodeStream = { nfd?: number };
type EmscriptenNodeFs = {
  stream_ops: { fsync?: (stream: NodeStream) => number };
  tryFSOperation: <T>(f: () => T) => T;
};

/**
 * Emscripten's NODEFS writes straight through to the host file (fs.writeSync), so the kernel
 * has every write as soon as PostgreSQL makes it: a killed process loses nothing PostgreSQL
 * had written. But its stream operations have no `fsync`, and the runtime's fsync() succeeds
 * without doing anything when a stream lacks one. Supplying it makes PostgreSQL's fsync()
 * calls (WAL at commit, data files and pg_control at checkpoints, directories after renames)
 * reach the disk; a failure surfaces to PostgreSQL as an errno, which it treats as a PANIC.
 */
class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Mod) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const installFsync = (mod: { NODEFS: unknown }) => {
      const nodefs = mod.NODEFS as EmscriptenNodeFs;
      nodefs.stream_ops.fsync = (stream) => {
        if (stream.nfd === undefined) return 0;
        nodefs.tryFSOperation(() => fsyncSync(stream.nfd!));
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), installFsync] } as Mod };
  }
}

export type OpenedFolder = { client: PGlite; release: () => void };

/**
 * Opens (creating on first use) the PGlite database in `dataDir`: locked against other
 * processes, with fsync on, and with a first-time creation that a kill cannot leave half done.
 */
export async function openPgliteFolder(dataDir: string): Promise<OpenedFolder> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const release = acquireFolderLock(dir);
  try {
    const creating = !existsSync(join(dir, 'PG_VERSION')) || existsSync(join(dir, INIT_MARKER));
    if (creating) prepareForCreation(dir);
    const client = await PGlite.create({ dataDir: dir, fs: new DurableNodeFS(dir), startParams: [...DURABLE_START_PARAMS] });
    try {
      await assertDurable(client);
      if (creating) {
        // PGlite copies the new cluster in with plain writes that no fsync covers; one pass
        // over the folder makes it durable before the marker that says "unfinished" goes.
        fsyncTree(dir);
        unlinkSync(join(dir, INIT_MARKER));
        fsyncPath(dir);
      }
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    return { client, release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * A first start that was killed while PGlite copied the new cluster in leaves PG_VERSION
 * beside missing files, and PGlite then fails to open it with a bare TypeError. The marker
 * tells such a folder apart: it never held data anyone was told was saved, so it is cleared
 * and created again. A non-empty folder that is not a database is refused, never mixed into.
 */
function prepareForCreation(dir: string): void {
  const interrupted = existsSync(join(dir, INIT_MARKER));
  const foreign = readdirSync(dir).filter((name) => ![LOCK_FILE, INIT_MARKER, 'lost+found'].includes(name));
  if (foreign.length && !interrupted) {
    throw new Error(
      `${dir} is not empty and holds no PGlite database (no PG_VERSION): refusing to create one among other files. ` +
        'Point DATA_DIR at an empty or new folder.',
    );
  }
  for (const name of foreign) rmSync(join(dir, name), { recursive: true, force: true });
  const fd = openSync(join(dir, INIT_MARKER), 'w');
  try {
    writeSync(fd, `first start by process ${process.pid} at ${new Date().toISOString()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncPath(dir);
}

/** Fails loudly if a PGlite upgrade stops honouring the settings above, rather than running unsafely. */
async function assertDurable(client: PGlite): Promise<void> {
  const fsync = (await client.query<{ fsync: string }>('SHOW fsync')).rows[0]?.fsync;
  const method = (await client.query<{ wal_sync_method: string }>('SHOW wal_sync_method')).rows[0]?.wal_sync_method;
  const FS = client.Module.FS;
  const stream = FS.open(`${PGlite.paths.PGDATA}/PG_VERSION`, 'r') as unknown as { stream_ops: { fsync?: unknown } };
  const hooked = typeof stream.stream_ops.fsync === 'function';
  FS.close(stream as never);
  if (fsync !== 'on' || method !== 'fsync' || !hooked) {
    throw new Error(`PGlite did not start durably (fsync=${fsync}, wal_sync_method=${method}, file fsync hooked: ${hooked}); refusing to run.`);
  }
}

/** fsync()s every file and directory under `dir`, children before their directory. */
export function fsyncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(path);
    else if (entry.isFile()) fsyncPath(path);
  }
  fsyncPath(dir);
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    // Some platforms cannot fsync a directory; the files themselves are what matter there.
    const code = (error as NodeJS.ErrnoException).code;
    if (!(statSync(path).isDirectory() && (code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EBADF'))) throw error;
  } finally {
    closeSync(fd);
  }
}

// ---- the folder lock ----------------------------------------------------------------------

type LockOwner = { pid: number; host: string; bootId?: string; startTime?: string; since: string };

/** Folders this process holds, so a second open inside one process is refused too. */
const heldHere = new Set<string>();

const bootId = readOptional('/proc/sys/kernel/random/boot_id');

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Start time of a process in clock ticks since boot (Linux): tells a reused pid apart. */
function processStartTime(pid: number): string | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Fields after "(comm)" start at field 3; starttime is field 22.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function describe(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host} (since ${owner.since})`;
}

/**
 * Whether the process recorded in a lock file may still have the folder open. Decided by
 * what can be known: another boot of this machine → gone; the pid is this process's own
 * (a restarted container reuses low pids) → a previous incarnation, gone; no such process
 * → gone; the pid now belongs to a process started at another time → reused, gone. Another
 * host (or container) cannot be checked, so it counts as alive.
 */
function mayBeAlive(owner: LockOwner): boolean {
  if (owner.bootId && bootId && owner.bootId !== bootId) return false;
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = processStartTime(owner.pid);
  return !(owner.startTime && started && owner.startTime !== started);
}

/**
 * PostgreSQL refuses a data folder that another postmaster holds; PGlite takes no such lock
 * (its postmaster.pid always says -42), and two processes writing one folder corrupt it.
 * This lock file records the owner; a stale one (its process gone) is taken over, so a
 * restart after a kill or a power cut needs no hand work. Returns the release function.
 */
export function acquireFolderLock(dir: string): () => void {
  const key = realpathSync(dir);
  if (heldHere.has(key)) throw new Error(`${dir} is already open in this process.`);
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), bootId, startTime: processStartTime(process.pid), since: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;

  for (let attempt = 0; ; attempt++) {
    if (attempt === 3) throw new Error(`${dir}: could not take ${path}; another process keeps replacing it.`);
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = readOptional(path);
    if (seen === undefined) continue; // released in between: try again
    let owner: LockOwner | null = null;
    try {
      const parsed = JSON.parse(seen) as LockOwner;
      if (Number.isInteger(parsed.pid) && parsed.pid > 0 && typeof parsed.host === 'string') owner = parsed;
    } catch {
      // A lock file cut short by a crash while it was written: nobody finished taking it.
    }
    if (owner && mayBeAlive(owner)) {
      throw new Error(
        `${dir} is in use by ${describe(owner)}: the embedded database holds one process only. ` +
          `Stop that process first. If it is certainly gone, delete ${path}.`,
      );
    }
    // Take the stale file aside under a name of our own, and put it back if what we moved
    // turns out to be a fresh lock that another starting process wrote in the meantime.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readOptional(aside);
    if (moved !== seen) {
      try {
        renameSync(aside, path);
      } catch {
        // already replaced again; the newest owner keeps it
      }
      throw new Error(`${dir} is being opened by another process at the same moment; try again.`);
    }
    unlinkSync(aside);
  }
  fsyncPath(dir);
  heldHere.add(key);

  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldHere.delete(key);
    // Only our own file: never remove a lock another process took over.
    if (readOptional(path) === text.trim()) unlinkSync(path);
  };
}
