import type { CarrierImportInput } from '$contracts/carrier-import.ts';

// A chosen spreadsheet as the import's JSON form. The API's session cookie needs the CSRF header
// the typed client sends, so the file travels in JSON: CSV as text, .xlsx in base64.

export type SpreadsheetFile = Pick<CarrierImportInput, 'format' | 'content'>;

export class UnsupportedFileError extends Error {}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function formatOf(file: { name: string; type: string }): 'csv' | 'xlsx' | null {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx') || file.type === XLSX_TYPE) return 'xlsx';
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'csv';
  return null;
}

/** Excel on a Chinese Windows saves "CSV" in GB18030: text that is not valid UTF-8 is read as that. */
export function decodeCsv(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function base64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  // In slices: String.fromCharCode with a whole file's bytes as arguments overflows the stack.
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function readSpreadsheet(file: File): Promise<SpreadsheetFile> {
  const format = formatOf(file);
  if (!format) throw new UnsupportedFileError(file.name);
  const bytes = await file.arrayBuffer();
  return { format, content: format === 'csv' ? decodeCsv(bytes) : base64(bytes) };
}
