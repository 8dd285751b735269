import { printFigure, type NumberIssue, type NumberIssueCode } from '$rules/parse-number.ts';
import type { MessageKey } from './zh.ts';

// A figure the number reader refused, in the reader's language: one wording for the entry forms,
// the carrier grid and the upload preview alike. (It takes the page's I18n by its shape, so the
// unit tests can load it without the rune class.)

type Translator = { t: (key: MessageKey, params?: Record<string, string>) => string };

const KEYS: Record<NumberIssueCode, MessageKey> = {
  required: 'number.required',
  not_a_number: 'number.notANumber',
  exponent: 'number.exponent',
  ambiguous_separator: 'number.ambiguousGroup',
  ambiguous_point: 'number.ambiguousPoint',
  not_integer: 'number.notInteger',
  too_many_decimals: 'number.tooManyDecimals',
  negative: 'number.negative',
  too_small: 'number.tooSmall',
  too_large: 'number.tooLarge',
};

/** The catalogue key and parameters of an issue. */
export function numberIssueMessage(issue: NumberIssue): { key: MessageKey; params: Record<string, string> } {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(issue.params)) params[name] = typeof value === 'number' ? printFigure(value) : String(value);
  const key = issue.code === 'ambiguous_separator' && issue.params.why === 'mixed' ? 'number.ambiguousMixed' : KEYS[issue.code];
  return { key, params };
}

export function numberIssueText(i18n: Translator, issue: NumberIssue): string {
  const { key, params } = numberIssueMessage(issue);
  return i18n.t(key, params);
}
