import { spawn } from 'node:child_process';
import nodeFs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.ts';
import { INIT_MARKER, LOCK_FILE } from '../../db/pglite-folder.ts';
import { exited, runScript } from '../helpers/processes.ts';

// How Guoyun opens an embedded PGlite folder (db/pglite-folder.ts, docs/durability.md):
// fsync really reaches the disk at each commit, one process at a time, and a first start
// that was cut short is started over instead of leaving a folder that no longer opens.

const root = mkdtempSync(join(tmpdir(), 'guoyun-pglite-folder-'));
let dir: string;
let open: DbHandle | null = null;

const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const startTimeOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};
const plantLock = (owner: Record<string, unknown>) => writeFileSync(join(dir, LOCK_FILE), `${JSON.stringify(owner)}\n`);
const lockOwner = () => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };

async function openAndClose() {
  const h = await createDb({ dataDir: dir });
  expect(lockOwner().pid).toBe(process.pid);
  await h.close();
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
}

beforeAll(async () => {
  dir = join(root, 'data');
  open = await createDb({ dataDir: dir });
}, 180_000);
afterEach(async () => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});
afterAll(async () => {
  await open?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('an embedded database folder', () => {
  it('runs with fsync on, and each commit fsyncs the WAL on the host before it is acknowledged', async () => {
    const h = open!;
    const pg = h.driver.kind === 'pglite' ? h.driver.client : null;
    const show = async (name: string) => Object.values((await pg!.query<Record<string, string>>(`SHOW ${name}`)).rows[0])[0];
    expect(await show('fsync')).toBe('on');
    expect(await show('wal_sync_method')).toBe('fsync');
    expect(await show('full_page_writes')).toBe('on');
    expect(await show('data_checksums')).toBe('on');

    // PGlite calls Node's fs synchronously from inside PostgreSQL; count the fsyncs it makes.
    const spy = vi.spyOn(nodeFs, 'fsyncSync');
    syncBuiltinESMExports();
    await pg!.exec('CREATE TABLE IF NOT EXISTS fsync_probe (n int)');
    spy.mockClear();
    await pg!.query('SELECT count(*) FROM fsync_probe');
    expect(spy).not.toHaveBeenCalled();
    for (let i = 0; i < 5; i++) await pg!.query('INSERT INTO fsync_probe VALUES ($1)', [i]);
    expect(spy).toHaveBeenCalledTimes(5);
    spy.mockClear();
    await pg!.exec('CHECKPOINT');
    // A checkpoint fsyncs the data files it wrote, then pg_control.
    expect(spy.mock.calls.length).toBeGreaterThan(1);
  });

  it('is refused to a second opener, in this process and in another, naming the holder', async () => {
    await expect(createDb({ dataDir: dir })).rejects.toThrow(/already open in this process/);
    const verify = runScript('server/cli/verify.ts', { DATA_DIR: dir, DATABASE_URL: '' });
    expect(await exited(verify)).not.toBe(0);
    expect(verify.output()).toContain(`is in use by process ${process.pid} on ${hostname()}`);
    // The refusal touched nothing: the holder's lock is still there.
    expect(lockOwner().pid).toBe(process.pid);
  });

  it('releases the lock on close; a lock left by a killed process is taken over', async () => {
    await open!.close();
    open = null;
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);

    const gone = spawn(process.execPath, ['-e', '']);
    await exited(gone);
    plantLock({ pid: gone.pid, host: hostname(), bootId, startTime: '1', since: new Date().toISOString() });
    await openAndClose();
  });

  it('is refused while the recorded process is alive, and taken over once its pid is reused or the machine rebooted', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    try {
      const pid = holder.pid!;
      const alive = { pid, host: hostname(), bootId, startTime: startTimeOf(pid), since: new Date().toISOString() };
      plantLock(alive);
      await expect(createDb({ dataDir: dir })).rejects.toThrow(new RegExp(`is in use by process ${pid}`));
      expect(lockOwner().pid).toBe(pid);

      // The same pid, but a process started at another time: the pid was reused.
      plantLock({ ...alive, startTime: String(Number(alive.startTime) - 1) });
      await openAndClose();
      // Written before the last boot.
      plantLock({ ...alive, bootId: '00000000-0000-0000-0000-000000000000' });
      await openAndClose();
      // Another host cannot be checked: refused, with what to do.
      plantLock({ ...alive, host: 'another-host' });
      await expect(createDb({ dataDir: dir })).rejects.toThrow(/in use by process \d+ on another-host.*If it is certainly gone, delete/s);
      // A lock file cut short while being written.
      writeFileSync(join(dir, LOCK_FILE), '{"pid":12');
      await openAndClose();
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('starts over a first start that was cut short, and never creates a database among foreign files', async () => {
    // What a kill while PGlite copies a new cluster in leaves: PG_VERSION beside missing files.
    const cut = join(root, 'cut-short');
    mkdirSync(join(cut, 'base', '1'), { recursive: true });
    writeFileSync(join(cut, 'PG_VERSION'), '17\n');
    writeFileSync(join(cut, 'base', '1', '1259'), Buffer.alloc(8192));
    writeFileSync(join(cut, INIT_MARKER), 'first start by process 1\n');
    const h = await createDb({ dataDir: cut });
    try {
      const pg = h.driver.kind === 'pglite' ? h.driver.client : null;
      expect((await pg!.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
      expect(existsSync(join(cut, INIT_MARKER))).toBe(false);
    } finally {
      await h.close();
    }

    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'not a database');
    await expect(createDb({ dataDir: foreign })).rejects.toThrow(/not empty and holds no PGlite database/);
    expect(readdirSync(foreign).sort()).toEqual(['notes.txt']);
  });
});
