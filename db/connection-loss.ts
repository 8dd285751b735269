import type postgres from 'postgres';

// How a lost database connection shows itself, and transactions that survive one.

// Node's socket errors and postgres.js's own codes arrive as `code`; so do the server's
// SQLSTATEs: class 08 (connection exception), 57P01 admin shutdown (a restart in fast mode
// ends every session), 57P02 crash shutdown, 57P03 cannot connect now (starting up or
// shutting down), 53300 too many connections.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/**
 * True when an error means "the database cannot be reached right now; try again shortly"
 * rather than something wrong with the request. drizzle wraps driver errors (`cause`) and
 * Node reports a refused dual-stack connect as an AggregateError (`errors`), so both are searched.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length && seen < 16; seen++) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    queue.push((e as { cause?: unknown }).cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors.slice(0, 4));
  }
  return false;
}

type Unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) => PromiseLike<unknown> & { values(): PromiseLike<unknown> };
/** The part of a postgres.js client drizzle uses inside a transaction. */
type TxClient = { unsafe: Unsafe };

/**
 * The postgres.js client as drizzle should see it: the same, but with a `begin` that survives
 * the connection dying mid-transaction.
 *
 * postgres.js 3.4.9's own `begin`, when its connection is closed under it (a server restart,
 * a killed backend), still sends ROLLBACK on that connection; the write is deferred with
 * setImmediate and then dereferences the closed socket, throwing where no one can catch it,
 * and the whole process exits (porsager/postgres#1154, #1208; unfixed upstream at the time of
 * writing). Here a transaction runs on a reserved connection, and once a statement has failed
 * because the connection is gone, nothing more is sent on it and it is not handed back: the
 * server has already rolled the transaction back, and the pool has already set the connection
 * aside to reconnect later.
 */
export function withSafeTransactions(client: postgres.Sql): postgres.Sql {
  async function begin(optionsOrFn: string | ((tx: TxClient) => Promise<unknown>), maybeFn?: (tx: TxClient) => Promise<unknown>) {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
    const mode = typeof optionsOrFn === 'string' ? optionsOrFn.replace(/[^a-z ]/gi, '') : '';
    const reserved = await client.reserve();
    let lost = false;
    let failure: unknown = null;

    /** Runs a statement on the reserved connection unless it is known to be gone. */
    const run = (query: string, params: unknown[] = [], options?: { prepare?: boolean }, values = false): Promise<unknown> => {
      if (lost) return Promise.reject(Object.assign(new Error('the connection was lost earlier in this transaction'), { code: 'CONNECTION_CLOSED' }));
      const q = reserved.unsafe(query, params as postgres.ParameterOrJSON<never>[], options);
      return Promise.resolve(values ? q.values() : q).catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) lost = true;
        failure ??= error;
        throw error;
      });
    };
    // postgres.js queries are lazy and `.values()` must be chosen before they run: hand drizzle
    // a thenable that decides at its first `then`.
    const tx: TxClient = {
      unsafe(query, params, options) {
        let values = false;
        let started: Promise<unknown> | null = null;
        const start = () => (started ??= run(query, params, options, values));
        const thenable = {
          values() {
            values = true;
            return thenable;
          },
          then<A, B>(ok?: (v: unknown) => A | PromiseLike<A>, ko?: (e: unknown) => B | PromiseLike<B>) {
            return start().then(ok, ko);
          },
        };
        return thenable;
      },
    };

    try {
      await run(`begin ${mode}`.trim());
      const result = await fn(tx);
      // As postgres.js does: a statement that failed inside the transaction fails it, even if
      // the code around it carried on (the server would answer COMMIT with a rollback anyway).
      if (failure) throw failure;
      await run('commit');
      return result;
    } catch (error) {
      if (!lost) await run('rollback').catch(() => {});
      throw error;
    } finally {
      if (!lost) reserved.release();
    }
  }
  return new Proxy(client, {
    get: (target, property, receiver) => (property === 'begin' ? begin : Reflect.get(target, property, receiver)),
  });
}
