import { Worker } from 'node:worker_threads';
import { DomainError } from '../errors.ts';

// exceljs reads a workbook in one go and keeps an object per cell: in a worker thread of its own,
// other requests are served meanwhile, and a file that still needs too much memory ends that
// thread (ERR_WORKER_OUT_OF_MEMORY), not the server.

const WORKER = new URL('./xlsx-load.worker.mjs', import.meta.url);

/** The heap one reading may use: the largest file xlsx-guard.ts lets through needs about 250 MB. */
const HEAP_MB = 512;
/** A reading that has not finished by then is stopped. */
const TIMEOUT_MS = 60_000;
/** Readings at once: each may take a core and several hundred MB, and the machine serves everyone. */
const AT_ONCE = 1;

export type XlsxRows = { row: number; values: unknown[] }[];

const refuse = (message: string) => DomainError.validation([{ path: 'content', message }]);

let running = 0;
const waiting: (() => void)[] = [];

/** The first worksheet's rows (those with a value), as exceljs reads them from a checked archive. */
export async function loadXlsxRows(zip: Buffer): Promise<XlsxRows> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await inWorker(zip);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function inWorker(zip: Buffer): Promise<XlsxRows> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      workerData: { zip },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, maxYoungGenerationSizeMb: 48 },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(refuse('took too long to read; split the file'))), TIMEOUT_MS);
    worker.once('message', (m: { outcome: 'rows'; rows: XlsxRows } | { outcome: 'unreadable' | 'no-worksheet' }) =>
      settle(() => {
        if (m.outcome === 'rows') resolve(m.rows);
        else reject(refuse(m.outcome === 'no-worksheet' ? 'has no worksheet' : 'is not a readable .xlsx file'));
      }),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? refuse('needs more memory to read than an import may use; split the file') : error)),
    );
    worker.once('exit', () => settle(() => reject(new Error('the .xlsx reader stopped without an answer'))));
  });
}
