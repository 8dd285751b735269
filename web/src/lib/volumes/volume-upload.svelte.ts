import { CarrierImportResult } from '$contracts/carrier-import.ts';
import type { ImportRowError } from '$contracts/network.ts';
import { api, ApiError } from '$lib/api/client.ts';
import type { MessageKey } from '$lib/i18n/index.svelte.ts';
import { readSpreadsheet, UnsupportedFileError, type SpreadsheetFile } from './read-file.ts';

// A spreadsheet upload in two steps: the file is previewed (checked row by row, nothing written),
// and only a clean preview can be confirmed, which sends the same file to be written.

export type UploadPhase = 'empty' | 'reading' | 'previewed' | 'writing' | 'written';

export class VolumeUpload {
  phase = $state<UploadPhase>('empty');
  fileName = $state('');
  preview = $state.raw<CarrierImportResult | null>(null);
  written = $state.raw<CarrierImportResult | null>(null);
  /** A problem with the file as a whole (not readable, too large, wrong type), or the request. */
  error = $state<{ key: MessageKey; detail?: string } | null>(null);
  /** Errors of the file as the API refused it at the write (the figures changed since the preview). */
  rowErrors = $state.raw<ImportRowError[]>([]);
  private file: SpreadsheetFile | null = null;

  get canConfirm(): boolean {
    return this.phase === 'previewed' && !!this.preview?.ok && this.preview.summary.cells > 0;
  }

  reset() {
    this.phase = 'empty';
    this.fileName = '';
    this.preview = null;
    this.written = null;
    this.error = null;
    this.rowErrors = [];
    this.file = null;
  }

  /** Reads the file and asks for its preview; nothing is written. */
  async choose(file: File): Promise<void> {
    this.reset();
    this.fileName = file.name;
    this.phase = 'reading';
    try {
      this.file = await readSpreadsheet(file);
    } catch (e) {
      this.phase = 'empty';
      this.error = { key: e instanceof UnsupportedFileError ? 'volumes.upload.wrongType' : 'volumes.upload.unreadable' };
      return;
    }
    try {
      this.preview = await api('/carrier-volumes/import?dryRun=true', CarrierImportResult, { method: 'POST', body: { ...this.file, dryRun: true } });
      this.phase = 'previewed';
    } catch (e) {
      this.phase = 'empty';
      this.error = this.problem(e);
    }
  }

  /** Writes the previewed file: all rows or none. */
  async confirm(): Promise<boolean> {
    if (!this.canConfirm || !this.file) return false;
    this.phase = 'writing';
    this.error = null;
    try {
      this.written = await api('/carrier-volumes/import', CarrierImportResult, { method: 'POST', body: { ...this.file, dryRun: false } });
      this.phase = 'written';
      return true;
    } catch (e) {
      this.phase = 'previewed';
      if (e instanceof ApiError && e.status === 400 && e.issues.some((i) => i.path.startsWith('rows.'))) {
        this.rowErrors = e.issues.map((i) => {
          const [, row, field = ''] = /^rows\.(\d+)(?:\.(.*))?$/.exec(i.path) ?? [];
          return { row: Number(row), field, message: i.message };
        });
        this.error = { key: 'volumes.upload.refusedOnWrite' };
      } else this.error = this.problem(e);
      return false;
    }
  }

  private problem(e: unknown): { key: MessageKey; detail?: string } {
    if (!(e instanceof ApiError)) return { key: 'error.generic' };
    if (e.status === 0) return { key: 'error.network' };
    if (e.status === 413) return { key: 'volumes.upload.tooLarge' };
    if (e.status === 415) return { key: 'volumes.upload.wrongType' };
    if (e.status === 403) return { key: 'error.forbidden' };
    if (e.status === 400) return { key: 'volumes.upload.unreadable', detail: e.issues[0]?.message ?? e.message };
    return { key: 'error.generic' };
  }
}
