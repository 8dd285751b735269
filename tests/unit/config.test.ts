import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('fills in defaults for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      databaseUrl: undefined,
      databasePoolMax: 10,
      logLevel: 'info',
      bodyLimitBytes: 2 * 1024 * 1024,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: '/var/lib/guoyun',
        DATABASE_URL: 'postgresql://guoyun@db:5432/guoyun',
        DATABASE_POOL_MAX: '25',
        LOG_LEVEL: 'warn',
        BODY_LIMIT_BYTES: '65536',
        UNRELATED: 'ignored',
      }),
    ).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/guoyun',
      databaseUrl: 'postgresql://guoyun@db:5432/guoyun',
      databasePoolMax: 25,
      logLevel: 'warn',
      bodyLimitBytes: 65536,
    });
  });

  it('treats empty and blank strings as unset', () => {
    const blank = { PORT: '', HOST: ' ', DATA_DIR: '', DATABASE_URL: '', DATABASE_POOL_MAX: '  ', LOG_LEVEL: '', BODY_LIMIT_BYTES: '' };
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it('refuses a bad PORT with a ConfigError naming it', () => {
    for (const PORT of ['abc', '70000', '-1', '80.5']) {
      expect(() => loadConfig({ PORT })).toThrow(ConfigError);
      expect(() => loadConfig({ PORT })).toThrow(/PORT/);
    }
  });

  it('refuses other bad values', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://localhost/guoyun' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => loadConfig({ BODY_LIMIT_BYTES: '10' })).toThrow(/BODY_LIMIT_BYTES/);
  });
});
