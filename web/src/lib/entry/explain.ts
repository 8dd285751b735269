import type { I18n } from '$lib/i18n/index.svelte.ts';
import type { Rejection } from '$lib/offline/outbox-types.ts';

// The contracts and the API speak English to developers; the people at the farm gate read
// these. Known messages are translated; an unknown one is shown as it came.

export function fieldMessage(i18n: I18n, message: string): string {
  let m: RegExpExecArray | null;
  if (/must not be empty|received undefined|expected string|Invalid input$/.test(message)) return i18n.t('entry.field.required');
  if (/must be a UUID|lower-case code|9-digit town code|Invalid option/.test(message)) return i18n.t('entry.field.choose');
  if ((m = /must be at most ([\d,]+) characters/.exec(message))) return i18n.t('entry.field.tooLong', { max: m[1] });
  if (/must be an integer/.test(message)) return i18n.t('entry.field.integer');
  if (/must be a number|expected number/.test(message)) return i18n.t('entry.field.number');
  if (/greater than 0|at least 0\.001/.test(message)) return i18n.t('entry.field.positive');
  if ((m = /must be at least ([\d,.]+)$/.exec(message))) return i18n.t('entry.field.min', { min: m[1] });
  if ((m = /must be at most ([\d,.]+)( kg)?$/.exec(message))) return i18n.t('entry.field.max', { max: m[1] });
  if (/whole grams/.test(message)) return i18n.t('entry.field.grams');
  if (/in the future/.test(message)) return i18n.t('entry.field.future');
  if (/before 2015/.test(message)) return i18n.t('entry.field.tooOld');
  if (/YYYY-MM-DD|ISO 8601/.test(message)) return i18n.t('entry.field.date');
  if (/control characters|valid Unicode/.test(message)) return i18n.t('entry.field.text');
  if (/not run by your cooperative/.test(message)) return i18n.t('entry.field.notYourFacility');
  if (/not your cooperative/.test(message)) return i18n.t('entry.field.notYours');
  if (/^unknown /.test(message)) return i18n.t('entry.field.unknown');
  return message;
}

/** Why the server refused a record, in a sentence for its owner. */
export function rejectionText(i18n: I18n, r: Rejection, productName: (code: string) => string): string {
  let m: RegExpExecArray | null;
  switch (r.code) {
    case 'INSUFFICIENT_STOCK':
      if ((m = /holds ([\d.]+) kg of (\S+); cannot take out ([\d.]+) kg/.exec(r.message)))
        return i18n.t('entry.reject.stockDetail', { held: m[1], product: productName(m[2]), wanted: m[3] });
      return i18n.t('entry.reject.stock');
    case 'CAPACITY_EXCEEDED':
      if ((m = /to ([\d.]+) kg, over its capacity of ([\d.]+) kg/.exec(r.message)))
        return i18n.t('entry.reject.capacityDetail', { total: m[1], capacity: m[2] });
      return i18n.t('entry.reject.capacity');
    case 'CONFLICT':
      return i18n.t('entry.reject.conflict');
    case 'FORBIDDEN':
      return i18n.t('entry.reject.forbidden');
    case 'VALIDATION':
    case 'INVALID_JSON':
      return i18n.t('entry.reject.invalid');
    case 'PAYLOAD_TOO_LARGE':
      return i18n.t('entry.reject.tooLarge');
    default:
      return i18n.t('entry.reject.other', { status: r.status });
  }
}
