import { PASSWORD_MIN_LENGTH } from '$contracts/accounts.ts';
import type { I18n, MessageKey } from '$lib/i18n/index.svelte.ts';

// The API words its issues in English for developers; people read them in the page's language.
// Messages not listed here are shown as the API wrote them rather than hidden.

type Rule = [RegExp, MessageKey, ((m: RegExpExecArray) => Record<string, string>)?];

const RULES: Rule[] = [
  [/must not be empty|received undefined|expected string, received|required/i, 'admin.field.required'],
  [/must be at most ([\d,]+) characters/, 'admin.field.tooLong', (m) => ({ max: m[1] })],
  [new RegExp(`at least ${PASSWORD_MIN_LENGTH} characters`), 'admin.field.passwordShort', () => ({ min: String(PASSWORD_MIN_LENGTH) })],
  [/must be at most 256 characters/, 'admin.field.tooLong', () => ({ max: '256' })],
  [/3–40 letters, digits/, 'admin.field.username'],
  [/is taken/, 'admin.field.usernameTaken'],
  [/needs the id of its cooperative|unknown cooperative/, 'admin.field.cooperative'],
  [/needs its carrier code|unknown carrier code/, 'admin.field.carrier'],
  [/leave organization out/, 'admin.field.noOrganization'],
  [/9-digit town code|unknown town code/, 'admin.field.town'],
  [/unknown product code|lower-case code such as/, 'admin.field.product'],
  [/2–64 lower-case letters/, 'admin.field.code'],
  [/must be a date as YYYY-MM-DD/, 'admin.field.date'],
  [/must not be before startsOn/, 'admin.field.endsBeforeStart'],
  [/must not be before from/, 'admin.field.toBeforeFrom'],
  [/may not exceed two years/, 'admin.field.periodTooLong'],
  [/must be an integer|expected int/, 'admin.field.integer'],
  [/must be at most 1,000,000,000$/, 'admin.field.targetTooLarge'],
  [/^must be at least 1$/, 'admin.field.positive'],
  [/whole grams|at most 3 decimal/, 'admin.field.grams'],
  [/greater than 0|at least 0.001 kg|must be a number|expected number|must be finite/, 'admin.field.positiveNumber'],
  [/1,000,000,000 kg/, 'admin.field.capacityTooLarge'],
  [/must be a UUID/, 'admin.field.choose'],
  [/Invalid option|expected one of/i, 'admin.field.choose'],
  [/control characters|valid Unicode/, 'admin.field.text'],
  [/different project with code/, 'admin.field.codeTaken'],
  [/different cooperative named/, 'admin.field.nameTaken'],
  [/different storage facility|already registered/, 'admin.field.nameTaken'],
];

export function fieldMessage(i18n: I18n, message: string): string {
  for (const [re, key, params] of RULES) {
    const m = re.exec(message);
    if (m) return i18n.t(key, params?.(m));
  }
  return message;
}
