import { describe, expect, it } from 'vitest';
import { numberIssueEnglish, parseNumberCell } from '../../server/domain/network/tabular.ts';
import { numberIssue, parseNumber, printFigure, type NumberOptions, type ParsedNumber } from '../../server/rules/parse-number.ts';
import { en } from '../../web/src/lib/i18n/en.ts';
import { numberIssueMessage } from '../../web/src/lib/i18n/number-issue.ts';
import { zh } from '../../web/src/lib/i18n/zh.ts';

// Every number field of the web app and every number column of the imports reads figures through
// parseNumber: what each kind of input gives, as a table. A figure that could have been meant two
// ways is refused with the reason, never guessed.

const COUNT: NumberOptions = { integer: true, min: 0 };
const KG: NumberOptions = { maxDecimals: 3, min: 0 };
const ANY: NumberOptions = {};

const ok = (value: number): ParsedNumber => ({ ok: true, value });
const no = (code: string, params: Record<string, unknown> = {}) => expect.objectContaining({ ok: false, code, params: expect.objectContaining(params) });

const CASES: [input: string, options: NumberOptions, expected: unknown][] = [
  // Plain ASCII figures.
  ['120', COUNT, ok(120)],
  ['0', COUNT, ok(0)],
  ['007', COUNT, ok(7)],
  ['12.5', KG, ok(12.5)],
  ['.5', KG, ok(0.5)],
  ['12.', KG, ok(12)],
  ['+5', COUNT, ok(5)],
  ['-5', ANY, ok(-5)],
  ['-0', COUNT, ok(0)],
  // Full-width digits, signs and points, as a Chinese IME types them.
  ['１２０', COUNT, ok(120)],
  ['１２．５', KG, ok(12.5)],
  ['12。5', KG, ok(12.5)],
  ['１２，０００', COUNT, ok(12000)],
  ['－５', ANY, ok(-5)],
  ['−5', ANY, ok(-5)],
  // Thousands separators in the right places.
  ['12,000', KG, ok(12000)],
  ['1,200', KG, ok(1200)],
  ['1,234,567.5', KG, ok(1234567.5)],
  ['12 000', COUNT, ok(12000)],
  ['12\u00a0000', COUNT, ok(12000)],
  ['1\u2009234\u2009567', COUNT, ok(1234567)],
  ['12\u3000000', COUNT, ok(12000)],
  ['12，000', COUNT, ok(12000)],
  // Surrounding spaces.
  ['  120 ', COUNT, ok(120)],
  ['\t12,000\u00a0', KG, ok(12000)],
  // Separators in the wrong places: ambiguous, refused.
  ['1,2', KG, no('ambiguous_separator', { text: '1,2', why: 'group' })],
  ['12,00', KG, no('ambiguous_separator', { why: 'group' })],
  ['1,2345', KG, no('ambiguous_separator', { why: 'group' })],
  ['1234,567', COUNT, no('ambiguous_separator', { why: 'group' })],
  ['0,500', KG, no('ambiguous_separator', { why: 'group' })],
  [',500', KG, no('ambiguous_separator', { why: 'group' })],
  ['12,', COUNT, no('ambiguous_separator', { why: 'group' })],
  ['1 2', COUNT, no('ambiguous_separator', { why: 'group' })],
  ['1.234,5', KG, no('ambiguous_separator', { text: '1.234,5', why: 'mixed' })],
  ['1.234.567', KG, no('ambiguous_separator', { why: 'mixed' })],
  ['1,234 567', COUNT, no('ambiguous_separator', { why: 'mixed' })],
  ['12、000', COUNT, no('not_a_number', { text: '12、000' })],
  // Counts: whole numbers only; three digits after "." may be European thousands.
  ['12.0', COUNT, ok(12)],
  ['12.00', COUNT, ok(12)],
  ['1234.000', COUNT, ok(1234)],
  ['12.5', COUNT, no('not_integer', { text: '12.5' })],
  ['0.5', COUNT, no('not_integer')],
  ['12.000', COUNT, no('ambiguous_point', { text: '12.000', asDecimal: 12, asThousands: 12000 })],
  ['1.500', COUNT, no('ambiguous_point', { asDecimal: 1.5, asThousands: 1500 })],
  // Weights to the gram: at most three places, trailing zeros aside.
  ['12.345', KG, ok(12.345)],
  ['12.000', KG, ok(12)],
  ['12.5000', KG, ok(12.5)],
  ['12.3456', KG, no('too_many_decimals', { text: '12.3456', max: 3 })],
  ['0.0001', KG, no('too_many_decimals', { max: 3 })],
  // Blank.
  ['', COUNT, no('required')],
  ['   ', KG, no('required')],
  ['\u3000', KG, no('required')],
  // Signs where none is allowed, and bounds.
  ['-5', COUNT, no('negative', { text: '-5' })],
  ['－1,200', KG, no('negative')],
  ['0', { integer: true, min: 1 }, no('too_small', { min: 1 })],
  ['10,000,001', { integer: true, min: 0, max: 10_000_000 }, no('too_large', { max: 10_000_000 })],
  ['99999999999999999', COUNT, no('too_large')],
  // Exponents, NaN, Infinity and garbage.
  ['1e3', COUNT, no('exponent', { text: '1e3' })],
  ['1.2E+07', COUNT, no('exponent')],
  ['NaN', KG, no('not_a_number')],
  ['Infinity', KG, no('not_a_number')],
  ['-Infinity', ANY, no('not_a_number')],
  ['0x10', COUNT, no('not_a_number')],
  ['十', COUNT, no('not_a_number', { text: '十' })],
  ['12kg', KG, no('not_a_number')],
  ['120件', COUNT, no('not_a_number')],
  ['abc', COUNT, no('not_a_number')],
  ['.', KG, no('not_a_number')],
  ['--5', ANY, no('not_a_number')],
  ['- 5', ANY, no('not_a_number')],
  ['1\u200b000', COUNT, no('not_a_number')],
];

describe('parseNumber', () => {
  it('covers at least 30 inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('reads %j (%j)', (input, options, expected) => {
    expect(parseNumber(input, options)).toEqual(expected);
  });

  it('quotes a long input shortened, so an error about a spreadsheet cell stays one line', () => {
    const parsed = parseNumber('这一格写的是一段很长很长的说明文字而不是一个数字，应当报错', COUNT);
    expect(parsed).toMatchObject({ ok: false, code: 'not_a_number' });
    if (!parsed.ok && 'text' in parsed.params) expect([...parsed.params.text].length).toBeLessThanOrEqual(24);
  });

  it('never answers NaN, Infinity or -0', () => {
    for (const [input, options] of CASES) {
      const parsed = parseNumber(input, options);
      if (parsed.ok) {
        expect(Number.isFinite(parsed.value)).toBe(true);
        expect(Object.is(parsed.value, -0)).toBe(false);
      }
    }
  });
});

describe('what a refused figure says', () => {
  const refused = (input: string, options: NumberOptions) => {
    const parsed = parseNumber(input, options);
    if (parsed.ok) throw new Error(`${input} was read as ${parsed.value}`);
    return numberIssue(parsed);
  };
  // The catalogue's text with its parameters, as i18n.t() fills it in.
  const words = (catalog: Record<string, string>, input: string, options: NumberOptions) => {
    const { key, params } = numberIssueMessage(refused(input, options));
    return catalog[key].replace(/\{(\w+)\}/g, (_, name: string) => params[name]);
  };

  it('says in Chinese and English what was understood and why it was not taken', () => {
    expect(words(zh, '1,2', KG)).toBe('“1,2” 看不出是多少：千位分隔符后须为三位数字（小数点请用“.”）');
    expect(words(en, '1,2', KG)).toBe('"1,2" is ambiguous: a thousands separator must be followed by three digits (decimals go after ".")');
    expect(words(zh, '1.234,5', KG)).toBe('“1.234,5” 看不出是多少：小数点请用“.”，千位之间用“,”');
    expect(words(zh, '12.000', COUNT)).toBe('“12.000” 看不出是 12 还是 12,000：件数是整数，请不要写“.”');
    expect(words(en, '1.500', COUNT)).toBe('"1.500" is ambiguous: 1.5 or 1,500? A count is whole: write it without "."');
    expect(words(zh, '', COUNT)).toBe('请填写');
    expect(words(zh, '12.5', COUNT)).toBe('须为整数，“12.5”带小数');
    expect(words(zh, '12.3456', KG)).toBe('小数最多 3 位，“12.3456”超过了');
    expect(words(zh, '1e3', COUNT)).toBe('“1e3”是科学计数法，请写出完整数字');
    expect(words(en, '-5', COUNT)).toBe('Must not be negative');
    expect(words(zh, '20001', { ...COUNT, max: 20_000 })).toBe('不能大于 20,000');
  });

  it('has the imports keep their English words and carry the code for the web app', () => {
    expect(() => parseNumberCell('十', COUNT, 'must be a whole number of parcels')).toThrow('must be a whole number of parcels');
    const thrown = (() => {
      try {
        return parseNumberCell('1,2', COUNT);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toMatchObject({
      message: expect.stringContaining('is ambiguous (1,2)'),
      issue: { code: 'ambiguous_separator', params: { text: '1,2', why: 'group' } },
    });
    expect(numberIssueEnglish(refused('10000001', { ...COUNT, max: 10_000_000 }), '')).toBe('must be at most 10,000,000');
    expect(numberIssueEnglish(refused('12.000', COUNT), '')).toBe('is ambiguous (12.000): 12 or 12,000? Write a whole number without "."');
    expect(parseNumberCell('１２，０００', COUNT)).toBe(12000);
  });

  it('prints figures the way it reads them back', () => {
    for (const n of [0, 7, 999, 1000, 12000, 1234567.5, 0.001, -1500, 9007199254740991]) {
      expect(parseNumber(printFigure(n))).toEqual({ ok: true, value: n });
    }
    expect(printFigure(1234567.5)).toBe('1,234,567.5');
  });
});
