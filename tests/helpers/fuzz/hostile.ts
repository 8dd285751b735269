import fc from 'fast-check';
import { raw } from './json-text.ts';

// What people and systems actually send by mistake or on purpose. Each list is labelled so a
// failure names the kind of input, not just the bytes.

export const LONG_STRING = 'x'.repeat(10_001);
/** Past the 2 MiB body limit once wrapped in an object. */
export const OVER_BODY_LIMIT = 'y'.repeat(2 * 1024 * 1024 + 10);
export const DEEP_ARRAY = raw('['.repeat(10_000) + ']'.repeat(10_000), '10,000 nested arrays');
export const DEEP_OBJECT = raw('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), '10,000 nested objects');

export const SQL_FRAGMENTS = [
  "' OR '1'='1",
  "1'; DROP TABLE pickups; --",
  "'; UPDATE volume_cells SET reported = 0; --",
  '" OR ""="',
  '1 UNION SELECT password_hash FROM users --',
  '$1',
  "%' AND 1=1 --",
  "\\'; SELECT pg_sleep(0); --",
  "E'\\x00'",
  "'::int",
  "$$; COPY pickups TO PROGRAM 'id'; $$",
];

export const SCRIPT_FRAGMENTS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  '<svg/onload=alert(1)>',
  '</script><script>alert(document.cookie)</script>',
  '=cmd|" /C calc"!A0', // spreadsheet formula injection
  '@SUM(1+1)',
];

export const ODD_UNICODE = [
  '\ud800', // lone high surrogate (travels as the JSON escape \ud800)
  'a\udc00b', // lone low surrogate
  '\udbff\udbff',
  '\u202e合作社\u202c', // right-to-left override
  'مرحبا بالعالم', // right-to-left script
  '\u0000', // NUL: PostgreSQL text cannot hold it
  '合作社\u0000一号',
  '\u0007\u001b[2J', // BEL, terminal escape
  '\u0085\u009b31m', // C1 controls
  '\ufeff合作社', // byte-order mark
  '\u200b\u200c\u200d', // zero-width characters
  '🍎🍒👨‍👩‍👧‍👦', // emoji, a ZWJ sequence
  '１２３４５６７８９', // full-width digits
  '３７０３２３１０９', // a town code in full-width digits
  'ﬁ', // ligature that NFKC folds to "fi"
  'e\u0301', // combining accent
  '\u2028\u2029', // line and paragraph separators
  '   ', // whitespace only
  '\t\n\r',
  '\ufffd\uffff',
  'Ａｄｍｉｎ',
  'İ', // case-mapping oddity
];

export const PATH_TRAVERSAL = ['../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/passwd', '....//....//', '%2e%2e%2f', '..%c0%af', '\\\\server\\share'];

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

/** Strings of every hostile kind; whether one is valid depends on the field it is put in. */
export const HOSTILE_STRINGS: { label: string; value: string }[] = [
  ...SQL_FRAGMENTS.map((value) => ({ label: 'SQL', value })),
  ...SCRIPT_FRAGMENTS.map((value) => ({ label: 'script', value })),
  ...ODD_UNICODE.map((value) => ({ label: 'unicode', value })),
  ...PATH_TRAVERSAL.map((value) => ({ label: 'path traversal', value })),
  ...PROTO_KEYS.map((value) => ({ label: 'prototype key', value })),
  { label: 'empty', value: '' },
  { label: 'overlong (10k)', value: LONG_STRING },
  { label: 'overlong Chinese', value: '合'.repeat(5001) },
  { label: 'numeric string', value: '12345' },
  { label: 'NaN string', value: 'NaN' },
  { label: 'Infinity string', value: 'Infinity' },
  { label: 'null string', value: 'null' },
  { label: 'true string', value: 'true' },
  { label: 'nil UUID', value: '00000000-0000-0000-0000-000000000000' },
  { label: 'max UUID', value: 'ffffffff-ffff-ffff-ffff-ffffffffffff' },
  { label: 'UUID, upper case', value: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' },
  { label: 'UUID without dashes', value: 'a0eebc999c0b4ef8bb6d6bb9bd380a11' },
  { label: 'date, impossible', value: '2026-02-30' },
  { label: 'date, year 0', value: '0000-01-01' },
  { label: 'date, year 9999', value: '9999-12-31' },
  { label: 'date-time without zone', value: '2026-11-10T08:30:00' },
  { label: 'date-time far future', value: '9999-12-31T23:59:59Z' },
  { label: 'date-time before epoch', value: '0001-01-01T00:00:00Z' },
  { label: 'date-time leap second', value: '2016-12-31T23:59:60Z' },
  { label: 'date-time with +14:00', value: '2026-11-10T08:30:00+14:00' },
  { label: 'date-time with +23:59', value: '2026-11-10T08:30:00+23:59' },
];

export const hostileString = fc.constantFrom(...HOSTILE_STRINGS);

/** Any JSON value a client might put anywhere, with the kinds JSON.stringify cannot write. */
export const WRONG_TYPE_VALUES: { label: string; value: unknown }[] = [
  { label: 'null', value: null },
  { label: 'true', value: true },
  { label: 'false', value: false },
  { label: '0', value: 0 },
  { label: '-1', value: -1 },
  { label: '42.5', value: 42.5 },
  { label: 'a string', value: 'text' },
  { label: 'an empty string', value: '' },
  { label: 'an empty object', value: {} },
  { label: 'an object', value: { value: 1 } },
  { label: 'an empty array', value: [] },
  { label: 'an array', value: ['x', 1] },
  { label: '1e999 (Infinity)', value: raw('1e999') },
  { label: '-1e999', value: raw('-1e999') },
  { label: '1e308', value: raw('1e308') },
  { label: '2^53+1', value: raw('9007199254740993') },
  { label: '-0', value: raw('-0') },
  { label: '1e-400 (underflows to 0)', value: raw('1e-400') },
  { label: '10,000 nested arrays', value: DEEP_ARRAY },
  { label: '10,000 nested objects', value: DEEP_OBJECT },
];
