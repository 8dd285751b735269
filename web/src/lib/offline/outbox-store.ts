import type { OutboxRecord } from './outbox-types.ts';

/** Where queued records live: IndexedDB on a real device, memory when it is unavailable. */
export interface OutboxStore {
  readonly durable: boolean;
  all(): Promise<OutboxRecord[]>;
  put(...records: OutboxRecord[]): Promise<void>;
  delete(...ids: string[]): Promise<void>;
}

const DB_NAME = 'guoyun-offline';
const DB_VERSION = 1;
const STORE = 'outbox';

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

const committed = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // A failed or aborted write must not be taken for a saved record.
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

export class IndexedDbOutboxStore implements OutboxStore {
  readonly durable = true;
  #db: Promise<IDBDatabase> | null = null;

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'id' });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema: let it, and reopen on our next access.
        db.onversionchange = () => {
          db.close();
          this.#db = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    }).catch((error) => {
      this.#db = null;
      throw error;
    });
    return this.#db;
  }

  async all(): Promise<OutboxRecord[]> {
    const db = await this.#open();
    return done(db.transaction(STORE, 'readonly').objectStore(STORE).getAll() as IDBRequest<OutboxRecord[]>);
  }

  async put(...records: OutboxRecord[]): Promise<void> {
    if (!records.length) return;
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    // Structured clone refuses Svelte's state proxies: store plain copies.
    for (const record of records) store.put(JSON.parse(JSON.stringify(record)));
    await committed(tx);
  }

  async delete(...ids: string[]): Promise<void> {
    if (!ids.length) return;
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    for (const id of ids) tx.objectStore(STORE).delete(id);
    await committed(tx);
  }
}

/** Private windows of some browsers and very old WebViews have no usable IndexedDB. */
export class MemoryOutboxStore implements OutboxStore {
  readonly durable = false;
  #records = new Map<string, OutboxRecord>();

  async all(): Promise<OutboxRecord[]> {
    return [...this.#records.values()].map((r) => structuredClone(r));
  }

  async put(...records: OutboxRecord[]): Promise<void> {
    for (const r of records) this.#records.set(r.id, JSON.parse(JSON.stringify(r)));
  }

  async delete(...ids: string[]): Promise<void> {
    for (const id of ids) this.#records.delete(id);
  }
}

/** IndexedDB when it opens, memory otherwise (the page then says records are not kept). */
export async function openOutboxStore(): Promise<OutboxStore> {
  if (typeof indexedDB === 'undefined') return new MemoryOutboxStore();
  const store = new IndexedDbOutboxStore();
  try {
    await store.all();
    return store;
  } catch {
    return new MemoryOutboxStore();
  }
}
