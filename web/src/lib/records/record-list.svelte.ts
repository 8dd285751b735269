import { ApiError } from '$lib/api/client.ts';
import type { Page } from './records-api.ts';

export type ListStatus = 'idle' | 'loading' | 'more' | 'ready' | 'error';

/**
 * One list of records as the page shows it: the pages loaded so far ("load more" appends the
 * next), the cursor for the next, and what is happening. A new `load` supersedes any request
 * still running, so a quick change of filters never shows an older answer last.
 */
export class RecordList<T extends { id: string }> {
  /** What the items are (a kind of record): a page switching kinds renders nothing stale with the new kind's columns. */
  key = $state<string | null>(null);
  items = $state.raw<T[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<ListStatus>('idle');
  error = $state.raw<ApiError | null>(null);

  #fetch: ((cursor: string | null, signal: AbortSignal) => Promise<Page<T>>) | null = null;
  #controller: AbortController | null = null;

  /** Starts the list over with this way of fetching a page. */
  load(key: string, fetch: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>): Promise<void> {
    this.#fetch = fetch;
    this.key = key;
    this.items = [];
    this.nextCursor = null;
    return this.#run(null, 'loading');
  }

  more(): Promise<void> {
    if (!this.nextCursor || this.status === 'loading' || this.status === 'more') return Promise.resolve();
    return this.#run(this.nextCursor, 'more');
  }

  retry(): Promise<void> {
    return this.#run(this.nextCursor, this.items.length ? 'more' : 'loading');
  }

  /** Puts an updated record (a void's answer) in place of the one shown. */
  replace(record: T): void {
    this.items = this.items.map((r) => (r.id === record.id ? record : r));
  }

  async #run(cursor: string | null, status: 'loading' | 'more'): Promise<void> {
    const fetch = this.#fetch;
    if (!fetch) return;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = status;
    this.error = null;
    try {
      const page = await fetch(cursor, controller.signal);
      if (controller.signal.aborted) return;
      this.items = cursor ? [...this.items, ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      this.status = 'ready';
    } catch (e) {
      if (controller.signal.aborted || (e as Error).name === 'AbortError') return;
      this.error = e instanceof ApiError ? e : new ApiError(0, 'NETWORK', String(e));
      this.status = 'error';
    }
  }
}
