// Reading a number as a person typed it or a spreadsheet holds it: the one reader behind every
// number field of the web app and every number column of the CSV/Excel imports, so that "12,000"
// is twelve thousand everywhere, and nothing is stored that could have been meant otherwise.
//
// The choices, each because a wrong figure is worse than a refused one:
// - Digits may be ASCII or full-width (a Chinese IME types "１２０"); so may the sign ("－", and
//   the typographic "−"), the decimal point ("．", and "。", which is what the full-stop key gives
//   in Chinese punctuation mode: "12。5" can mean nothing but 12.5) and the comma ("，").
// - Thousands are separated by "," (or "，") or by a space (any kind: NBSP, thin, ideographic),
//   one kind per number, and only where a thousands separator belongs: a first group of one to
//   three digits (not starting with 0), then groups of exactly three. "1,2", "12,00", "1,2345",
//   "0,500" could be a decimal comma or a slip: they are refused as ambiguous, never guessed.
//   "、" is not a separator (it lists things); a figure holding it is not a number.
// - "." is the decimal point and comes after any thousands separator: "1.234,5" (a European
//   figure) and "1.234.567" are refused as ambiguous.
// - Where a count is meant (integer), "12.0" is 12 (spreadsheets show whole numbers so), "12.5"
//   is refused as not whole, and "12.000" or "12.500" are refused as ambiguous: in a count, three
//   digits after "." may well be thousands written the European way.
// - Where decimals are limited (kg to the gram: 3 places), trailing zeros do not count: "12.5000"
//   is exactly 12.5. A figure with more places is refused, not rounded.
// - Exponents ("1e3", and "1.2E+07", which is how a spreadsheet prints a figure it has already
//   rounded), NaN, Infinity, units and words are refused.
// - Blank is `required`: whether a blank field may be left out is the caller's decision.

export type NumberOptions = {
  /** A count: no fraction. */
  integer?: boolean;
  /** At most this many decimal places (trailing zeros aside). */
  maxDecimals?: number;
  min?: number;
  max?: number;
};

/** Why a figure was refused, with what the message needs. `text` is the input as typed (trimmed, shortened). */
export type NumberIssue =
  | { code: 'required'; params: Record<string, never> }
  | { code: 'not_a_number' | 'exponent' | 'not_integer' | 'negative'; params: { text: string } }
  | { code: 'ambiguous_separator'; params: { text: string; why: 'group' | 'mixed' } }
  /** A count with three digits after ".": the two ways of reading it. */
  | { code: 'ambiguous_point'; params: { text: string; asDecimal: number; asThousands: number } }
  | { code: 'too_many_decimals'; params: { text: string; max: number } }
  | { code: 'too_small'; params: { text: string; min: number } }
  | { code: 'too_large'; params: { text: string; max: number } };

/** A count of parcels, people, copies: whole, not negative (each field's own bounds are its contract's). */
export const COUNT: NumberOptions = { integer: true, min: 0 };
/** Kilograms, kept to the gram (numeric(14,3), the Kilograms contract): at most three places. */
export const KILOGRAMS: NumberOptions = { maxDecimals: 3, min: 0 };

export type NumberIssueCode = NumberIssue['code'];
export type ParsedNumber = { ok: true; value: number } | ({ ok: false } & NumberIssue);

export const NUMBER_ISSUE_CODES: readonly NumberIssueCode[] = [
  'required',
  'not_a_number',
  'exponent',
  'ambiguous_separator',
  'ambiguous_point',
  'not_integer',
  'too_many_decimals',
  'negative',
  'too_small',
  'too_large',
];

export const isNumberIssueCode = (code: unknown): code is NumberIssueCode => NUMBER_ISSUE_CODES.includes(code as NumberIssueCode);

// Past 2^53 a double no longer holds every whole number: the figure stored would not be the one typed.
const LARGEST = Number.MAX_SAFE_INTEGER;
// An error message quotes the input; a spreadsheet cell can hold a page of text.
const QUOTED = 24;

const FOLD: Record<string, string> = {
  '＋': '+',
  '－': '-',
  '−': '-',
  '﹣': '-',
  '．': '.',
  '。': '.',
  '｡': '.',
  '，': ',',
  '﹐': ',',
};

/** Full-width digits and signs as ASCII, every kind of space (and tab) as one plain space. */
function fold(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c >= 0xff10 && c <= 0xff19) out += String.fromCharCode(c - 0xff10 + 0x30);
    else if (FOLD[ch]) out += FOLD[ch];
    else if (/[\s\p{Zs}]/u.test(ch)) out += ' ';
    else out += ch;
  }
  return out.trim().replace(/ +/g, ' ');
}

const quote = (text: string) => {
  const t = text.trim();
  return [...t].length > QUOTED ? `${[...t].slice(0, QUOTED - 1).join('')}…` : t;
};

const fail = (issue: NumberIssue): ParsedNumber => ({ ok: false, ...issue });

/** Reads `text` as a number under `options`, or says why it cannot. */
export function parseNumber(text: string, options: NumberOptions = {}): ParsedNumber {
  // Most figures are plain digits: an import of 400,000 rows reads them without the folding.
  if (/^\d{1,15}$/.test(text)) return bounded(Number(text), text, options);
  const s = fold(text);
  if (s === '') return fail({ code: 'required', params: {} });
  const shown = quote(text);
  const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
  const body = s.slice(sign.length);

  if (/^[\d., ]*\d[\d., ]*[eE][+-]?\d+$/.test(body)) return fail({ code: 'exponent', params: { text: shown } });
  if (!/^[\d., ]+$/.test(body) || !/\d/.test(body) || body[0] === ' ') return fail({ code: 'not_a_number', params: { text: shown } });

  const points = body.split('.').length - 1;
  if (points > 1) return fail({ code: 'ambiguous_separator', params: { text: shown, why: 'mixed' } });
  const [whole, fraction = ''] = body.split('.');
  // A separator after the decimal point: "1.234,5" or "1.234 567".
  if (/[, ]/.test(fraction)) return fail({ code: 'ambiguous_separator', params: { text: shown, why: 'mixed' } });

  const hasComma = whole.includes(',');
  const hasSpace = whole.includes(' ');
  if (hasComma && hasSpace) return fail({ code: 'ambiguous_separator', params: { text: shown, why: 'mixed' } });
  let digits = whole;
  if (hasComma || hasSpace) {
    const groups = whole.split(hasComma ? ',' : ' ');
    const [first, ...rest] = groups;
    if (!/^[1-9]\d{0,2}$/.test(first) || rest.some((g) => !/^\d{3}$/.test(g)))
      return fail({ code: 'ambiguous_separator', params: { text: shown, why: 'group' } });
    digits = groups.join('');
  }

  const significant = fraction.replace(/0+$/, '');
  if (options.integer && fraction !== '') {
    if (fraction.length === 3 && !hasComma && !hasSpace && /^[1-9]\d{0,2}$/.test(digits)) {
      const asDecimal = Number(`${digits}.${fraction}`);
      return fail({
        code: 'ambiguous_point',
        params: { text: shown, asDecimal: sign === '-' ? -asDecimal : asDecimal, asThousands: Number(`${sign}${digits}${fraction}`) },
      });
    }
    if (significant !== '') return fail({ code: 'not_integer', params: { text: shown } });
  }
  if (options.maxDecimals !== undefined && significant.length > options.maxDecimals)
    return fail({ code: 'too_many_decimals', params: { text: shown, max: options.maxDecimals } });

  const magnitude = Number(`${digits === '' ? '0' : digits}.${significant || '0'}`);
  // -0 would be kept as such, and print as "0" while comparing as negative in places.
  return bounded(sign === '-' && magnitude !== 0 ? -magnitude : magnitude, shown, options);
}

function bounded(value: number, shown: string, options: NumberOptions): ParsedNumber {
  if (Math.abs(value) > LARGEST) return fail({ code: 'too_large', params: { text: shown, max: options.max ?? LARGEST } });
  if (options.min !== undefined && value < options.min) {
    if (value < 0 && options.min >= 0) return fail({ code: 'negative', params: { text: shown } });
    return fail({ code: 'too_small', params: { text: shown, min: options.min } });
  }
  if (options.max !== undefined && value > options.max) return fail({ code: 'too_large', params: { text: shown, max: options.max } });
  return { ok: true, value };
}

/** The issue of a refused figure, without the `ok` flag: what an error carries. */
export function numberIssue(parsed: Extract<ParsedNumber, { ok: false }>): NumberIssue {
  const { ok: _ok, ...issue } = parsed;
  return issue as NumberIssue;
}

/**
 * A figure as a message quotes it, and as the reader reads it back to the same number: grouped
 * thousands, the decimals it has (12000 → "12,000", 1.5 → "1.5").
 */
export function printFigure(n: number): string {
  const [int, frac] = String(Math.abs(n)).split('.');
  const body = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${body}${frac ? `.${frac}` : ''}`;
}
