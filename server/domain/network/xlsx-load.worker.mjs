// Loads a checked .xlsx archive (see xlsx-guard.ts) with exceljs, in a worker thread: exceljs
// holds the thread for as long as it reads (0.4 s for 5,000 short rows, seconds for wide ones),
// which on the main thread would stall every other request. Plain JavaScript, because a worker
// runs outside tsx's and vitest's TypeScript transforms.
import { parentPort, workerData } from 'node:worker_threads';
import ExcelJS from 'exceljs';

/** @returns {{ outcome: 'rows'; rows: { row: number; values: unknown[] }[] } | { outcome: 'unreadable' | 'no-worksheet' }} */
async function read() {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(workerData.zip);
  } catch {
    return { outcome: 'unreadable' };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { outcome: 'no-worksheet' };
  const rows = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    // The values as exceljs gives them (dates, rich text, formulas with their results): the main
    // thread turns them into text with the one rule it has for that (cellText).
    rows.push({ row: rowNumber, values: Array.isArray(row.values) ? row.values.slice(1) : [] });
  });
  return { outcome: 'rows', rows };
}

const answer = await read();
try {
  parentPort?.postMessage(answer);
} catch {
  // A value that cannot be sent across threads: not a file this reader understands.
  parentPort?.postMessage({ outcome: 'unreadable' });
}
