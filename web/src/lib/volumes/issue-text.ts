import type { ImportRowError } from '$contracts/network.ts';
import type { I18n, MessageKey } from '$lib/i18n/index.svelte.ts';
import { numberIssueText } from '$lib/i18n/number-issue.ts';
import { isNumberIssueCode, type NumberIssue } from '$rules/parse-number.ts';

// The API words its problems in English for developers; a station manager reads them in the
// page's language. Known messages are translated, anything else is shown as the API sent it.

const PATTERNS: [RegExp, MessageKey, (m: RegExpExecArray) => Record<string, string>][] = [
  [/^must not be empty$|received undefined|expected string/, 'volumes.issue.required', () => ({})],
  [/^unknown town(?: code)? "(.*)"$/, 'volumes.issue.unknownTown', (m) => ({ value: m[1] })],
  [/^unknown product "([^"]*)"/, 'volumes.issue.unknownProduct', (m) => ({ value: m[1] })],
  [/^unknown carrier "(.*)"$/, 'volumes.issue.unknownCarrier', (m) => ({ value: m[1] })],
  [/^must be a date as YYYY-MM-DD$/, 'volumes.issue.badDate', () => ({})],
  [/^is not a calendar date \((.*)\)$/, 'volumes.issue.notCalendarDate', (m) => ({ value: m[1] })],
  [/has not begun/, 'volumes.issue.futureDate', () => ({})],
  [/^must not be before 2015$/, 'volumes.issue.tooEarly', () => ({})],
  [/^must not be negative$|^must be at least 0$/, 'volumes.issue.negative', () => ({})],
  [/^must be a whole number of parcels$|^must be an integer$|expected int|expected number/, 'volumes.issue.notWhole', () => ({})],
  [/^must be at most ([\d,]+)$/, 'volumes.issue.tooLarge', (m) => ({ max: m[1] })],
  [/^is the same cell \(.*\) as row (\d+)$/, 'volumes.issue.duplicate', (m) => ({ row: m[1] })],
  [/^is not the carrier of this account \((.*)\)$/, 'volumes.issue.notYourCarrier', (m) => ({ carrier: m[1] })],
  [/^not your carrier$/, 'volumes.issue.notYourCarrierPlain', () => ({})],
  [/^is not a known column/, 'volumes.issue.unknownColumn', () => ({})],
  [/^is a required column in an administrator's file$/, 'volumes.issue.carrierColumn', () => ({})],
  [/^is a required column$/, 'volumes.issue.requiredColumn', () => ({})],
  [/^appears twice/, 'volumes.issue.columnTwice', () => ({})],
  [/^holds no rows/, 'volumes.issue.noRows', () => ({})],
  [/^holds (\d+) rows; at most (\d+)/, 'volumes.issue.tooManyRows', (m) => ({ rows: m[1], max: m[2] })],
  [/^is not a readable \.xlsx file$|^must be the \.xlsx file|^has no worksheet$/, 'volumes.issue.unreadable', () => ({})],
];

/** A row's error: a figure the API could not read is worded from its code, the rest from the message. */
export function rowErrorText(i18n: I18n, e: Pick<ImportRowError, 'message' | 'code' | 'params'>): string {
  if (isNumberIssueCode(e.code)) return numberIssueText(i18n, { code: e.code, params: e.params ?? {} } as NumberIssue);
  return issueText(i18n, e.message);
}

export function issueText(i18n: I18n, message: string): string {
  for (const [re, key, params] of PATTERNS) {
    const m = re.exec(message);
    if (m) return i18n.t(key, params(m));
  }
  return message;
}

const FIELD_LABELS: Record<string, MessageKey> = {
  date: 'volumes.col.date',
  townCode: 'volumes.col.town',
  productCode: 'volumes.col.product',
  carrierCode: 'volumes.col.carrier',
  parcels: 'volumes.col.parcels',
  '': 'volumes.col.row',
};

/** A file column by the name users know (a header the API did not recognise is shown as written). */
export function fieldLabel(i18n: I18n, field: string): string {
  const key = FIELD_LABELS[field];
  return key ? i18n.t(key) : field;
}
