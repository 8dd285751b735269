import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The supported way to keep Guoyun running is the systemd unit in deploy/: if the process dies,
// systemd starts it again. What that unit promises is checked here; that a crash loses no
// acknowledged write is the crash test's part (tests/faults).

const UNIT = new URL('../../deploy/guoyun.service', import.meta.url);

describe('deploy/guoyun.service', () => {
  const text = readFileSync(UNIT, 'utf8');
  const setting = (key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

  it('restarts the process whenever it stops, without giving up', () => {
    expect(setting('Restart')).toEqual(['always']);
    expect(Number(setting('RestartSec')[0])).toBeLessThanOrEqual(5);
    expect(setting('StartLimitIntervalSec')).toEqual(['0']);
  });

  it('stops it with SIGTERM and time to close the database', () => {
    expect(setting('KillSignal')).toEqual(['SIGTERM']);
    expect(Number(setting('TimeoutStopSec')[0])).toBeGreaterThanOrEqual(15);
    expect(setting('ExecStart')[0]).toMatch(/npm start$/);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('is a unit systemd accepts', () => {
    // verify exits 0 with nothing on stderr for a clean unit (an unknown user is not its business).
    const run = spawnSync('/usr/bin/systemd-analyze', ['verify', UNIT.pathname], { encoding: 'utf8' });
    expect(run.stderr.split('\n').filter((l) => (l && !/guoyun|User|Group/i.test(l)) || /Unknown key|Invalid|Failed/.test(l))).toEqual([]);
    expect(run.status).toBe(0);
  });
});
