import fc from 'fast-check';
import { HOSTILE_STRINGS, LONG_STRING, WRONG_TYPE_VALUES } from './hostile.ts';
import { JsonEntries, RawJson, raw } from './json-text.ts';

/**
 * The JSON Schema the OpenAPI document holds for a route's body, query and path parameters:
 * what fastify-type-provider-zod (or z.toJSONSchema) writes for the zod contracts.
 */
export type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  nullable?: boolean;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
};

/** Valid values for fields the schema alone cannot fill well (ids of records that exist, real town codes). */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

const typesOf = (s: JsonSchema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);
const nullable = (s: JsonSchema) => s.nullable === true || typesOf(s).includes('null');
/** A schema this module does not understand well enough to call a value invalid under it. */
const opaque = (s: JsonSchema) => Boolean(s.anyOf || s.oneOf || s.allOf) || (typesOf(s).length === 0 && s.enum === undefined && s.const === undefined);

function bounds(s: JsonSchema) {
  const exclMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : s.exclusiveMinimum === true ? s.minimum : undefined;
  const exclMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : s.exclusiveMaximum === true ? s.maximum : undefined;
  const min = exclMin === undefined ? s.minimum : undefined;
  const max = exclMax === undefined ? s.maximum : undefined;
  return { min, max, exclMin, exclMax };
}

const regexCache = new Map<string, RegExp>();
const regexOf = (pattern: string) => {
  let r = regexCache.get(pattern);
  if (!r) regexCache.set(pattern, (r = new RegExp(pattern)));
  return r;
};

/** What the server's JSON parser makes of a value we send (RawJson tokens and duplicate keys included). */
export function parsedForm(value: unknown): unknown {
  if (value instanceof RawJson) return JSON.parse(value.text);
  if (value instanceof JsonEntries) {
    const out: Record<string, unknown> = {};
    // Last key wins, as in JSON.parse; defineProperty keeps `__proto__` an own key, as JSON.parse does.
    for (const [k, v] of value.entries) Object.defineProperty(out, k, { value: parsedForm(v), enumerable: true, configurable: true, writable: true });
    return out;
  }
  if (Array.isArray(value)) return value.map(parsedForm);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, parsedForm(v)]));
  return value;
}

/**
 * Why `value` (as parsed from JSON) breaks the schema, or null when it does not — or when this
 * checker cannot tell. It errs towards null: a null only makes a request "may succeed".
 */
export function violation(s: JsonSchema, value: unknown, at = ''): string | null {
  const where = at || '(body)';
  if (value === undefined) return null;
  if (s.const !== undefined) return value === s.const ? null : `${where}: not the constant`;
  if (s.enum && s.enum.length > 0) {
    if (value === null && nullable(s)) return null;
    return s.enum.includes(value) ? null : `${where}: not one of the enum`;
  }
  if (opaque(s)) return null;
  if (value === null) return nullable(s) ? null : `${where}: null`;
  const types = typesOf(s).filter((x) => x !== 'null');
  const kind = Array.isArray(value) ? 'array' : typeof value;
  const fits = (type: string) =>
    type === 'integer'
      ? typeof value === 'number' && Number.isSafeInteger(value)
      : type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : type === 'object'
          ? kind === 'object'
          : kind === type;
  const type = types.find(fits);
  if (!type) return `${where}: not ${types.join('|')}`;

  if (type === 'string') {
    const text = value as string;
    if (s.maxLength !== undefined && text.trim().length > s.maxLength) return `${where}: longer than ${s.maxLength}`;
    if (s.minLength !== undefined && text.length < s.minLength) return `${where}: shorter than ${s.minLength}`;
    if (s.pattern && !regexOf(s.pattern).test(text)) return `${where}: does not match ${s.pattern.slice(0, 40)}`;
    return null;
  }
  if (type === 'integer' || type === 'number') {
    const n = value as number;
    const { min, max, exclMin, exclMax } = bounds(s);
    if (min !== undefined && n < min) return `${where}: below ${min}`;
    if (max !== undefined && n > max) return `${where}: above ${max}`;
    if (exclMin !== undefined && n <= exclMin) return `${where}: not above ${exclMin}`;
    if (exclMax !== undefined && n >= exclMax) return `${where}: not below ${exclMax}`;
    return null;
  }
  if (type === 'array') {
    const arr = value as unknown[];
    if (s.maxItems !== undefined && arr.length > s.maxItems) return `${where}: more than ${s.maxItems} items`;
    if (s.minItems !== undefined && arr.length < s.minItems) return `${where}: fewer than ${s.minItems} items`;
    if (s.items)
      for (let i = 0; i < arr.length; i++) {
        const v = violation(s.items, arr[i], `${at}.${i}`);
        if (v) return v;
      }
    return null;
  }
  if (type === 'object') {
    const obj = value as Record<string, unknown>;
    const props = s.properties ?? {};
    for (const key of s.required ?? []) if (!Object.hasOwn(obj, key) && props[key]?.default === undefined) return `${at}.${key}: missing`;
    for (const key of Object.keys(obj)) {
      if (props[key] && Object.hasOwn(props, key)) {
        const v = violation(props[key], obj[key], `${at}.${key}`);
        if (v) return v;
      } else if (s.additionalProperties === false) return `${at}.${key}: unknown field`;
    }
    return null;
  }
  return null;
}

/** True when the server's JSON parser itself refuses the value (prototype poisoning). */
export function poisoned(value: unknown): boolean {
  // Iterative: bodies nest 10,000 levels deep.
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const obj = v as Record<string, unknown>;
    if (Object.hasOwn(obj, '__proto__')) return true;
    const ctor = Object.hasOwn(obj, 'constructor') ? obj.constructor : undefined;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return true;
    stack.push(...Object.values(obj));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Valid values.

const DAY = 86_400_000;
const FROM = Date.UTC(2019, 0, 1);
const TO = Date.UTC(2030, 11, 31);
export const isoDate = fc.integer({ min: FROM / DAY, max: TO / DAY }).map((d) => new Date(d * DAY).toISOString().slice(0, 10));
export const isoInstant = fc.tuple(fc.integer({ min: FROM, max: TO }), fc.constantFrom('Z', '+08:00', '-05:30')).map(([ms, zone]) => {
  const iso = new Date(ms).toISOString();
  if (zone === 'Z') return iso;
  const offsetMs = (zone === '+08:00' ? 8 * 60 : -(5 * 60 + 30)) * 60_000;
  return `${new Date(ms + offsetMs).toISOString().slice(0, 23)}${zone}`;
});
const PHRASES = ['燕崖镇', '红富士', '沂源苹果', '5kg 礼盒', '张三 13800000000', 'Yiyuan apples', '村供销超市', '冷库一号', '录入错误', '无'];

function freeText(s: JsonSchema): fc.Arbitrary<string> {
  const min = Math.max(s.minLength ?? 0, 0);
  const max = Math.max(min, Math.min(s.maxLength ?? 60, 60));
  const fits = (t: string) => t.length >= min && t.length <= (s.maxLength ?? Infinity);
  const hostile = HOSTILE_STRINGS.map((h) => h.value).filter(fits);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PHRASES.filter(fits).concat(fits('x'.repeat(min)) ? ['x'.repeat(min)] : [])) },
    { weight: 2, arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }) },
    // SQL, script and odd Unicode where any text is allowed: the field must store it or refuse it, never fail.
    ...(hostile.length ? [{ weight: 3, arbitrary: fc.constantFrom(...hostile) }] : []),
  );
}

function numberIn(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const { min, max, exclMin, exclMax } = bounds(s);
  const lo = min ?? (exclMin !== undefined ? exclMin + (integer ? 1 : 0.001) : -1_000_000);
  const hi = max ?? (exclMax !== undefined ? exclMax - (integer ? 1 : 0.001) : 1_000_000);
  const ilo = Math.ceil(lo);
  const ihi = Math.floor(Math.min(hi, Number.MAX_SAFE_INTEGER));
  const ints = ilo <= ihi ? fc.oneof(fc.constantFrom(ilo, ihi), fc.integer({ min: ilo, max: Math.min(ihi, ilo + 10_000) })) : null;
  if (integer) return ints ?? fc.constant(ilo);
  const grams = fc.integer({ min: Math.ceil(lo * 1000), max: Math.floor(Math.min(hi, 1e9) * 1000) }).map((g) => g / 1000);
  const doubles = fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  return ints ? fc.oneof({ weight: 3, arbitrary: ints }, { weight: 2, arbitrary: grams }, { weight: 1, arbitrary: doubles }) : fc.oneof(grams, doubles);
}

/** A value the schema accepts (as far as the JSON Schema says; the contract's refinements may still refuse it). */
export function validArb(s: JsonSchema, hints: Hints = {}, name?: string): fc.Arbitrary<unknown> {
  if (name && hints[name]) return hints[name];
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum && s.enum.length > 0) return fc.constantFrom(...s.enum);
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf)!.map((x) => validArb(x, hints, name)));
  const type = typesOf(s).find((x) => x !== 'null');
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return fc.uuid({ version: 4 });
      if (s.format === 'date') return isoDate;
      if (s.format === 'date-time') return isoInstant;
      if (s.pattern) return fc.stringMatching(regexOf(s.pattern), { maxLength: s.maxLength });
      return freeText(s);
    case 'integer':
      return numberIn(s, true);
    case 'number':
      return numberIn(s, false);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = s.items ? validArb(s.items, hints, name ? `${name}[]` : undefined) : fc.jsonValue({ maxDepth: 1 });
      const minLength = s.minItems ?? 0;
      return fc.array(item, { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 4, 4)) });
    }
    case 'object': {
      const props = s.properties ?? {};
      const required = (s.required ?? []).filter((k) => props[k]);
      if (Object.keys(props).length === 0) return fc.constant({});
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validArb(v, hints, k)])), { requiredKeys: required });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---------------------------------------------------------------------------------------------
// Values that break a schema: wrong types, boundary numbers, overlong and hostile strings, huge arrays.

export type Candidate = { label: string; value: unknown };

/** Replacement values for a field of this schema; most break it, and the caller asks `violation` which do. */
export function badValues(s: JsonSchema): Candidate[] {
  const out: Candidate[] = [...WRONG_TYPE_VALUES];
  const type = typesOf(s).find((x) => x !== 'null');
  if (type === 'integer' || type === 'number') {
    const { min, max, exclMin, exclMax } = bounds(s);
    const edges = [min, max, exclMin, exclMax].filter((x): x is number => x !== undefined);
    for (const e of edges) out.push({ label: `${e} - 1`, value: e - 1 }, { label: `${e} + 1`, value: e + 1 }, { label: `${e} - 0.0001`, value: e - 0.0001 });
    if (max !== undefined) out.push({ label: 'max × 10', value: max * 10 });
    out.push(
      { label: '0.5', value: 0.5 },
      { label: '1.0000001', value: 1.0000001 },
      { label: '0.0001', value: 0.0001 },
      { label: '-1e308', value: -1e308 },
      { label: 'MAX_SAFE_INTEGER', value: Number.MAX_SAFE_INTEGER },
      { label: '1.5e-5 (more decimals than grams)', value: 1.00001 },
      ...['5', 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', '１０', ' 7 ', '5 parcels'].map((v) => ({ label: `the string ${JSON.stringify(v)}`, value: v })),
    );
  }
  if (type === 'string' || type === undefined) {
    out.push(...farDates(s));
    out.push(...HOSTILE_STRINGS.map((h) => ({ label: h.label, value: h.value })));
    if (s.maxLength !== undefined) out.push({ label: `maxLength + 1 (${s.maxLength + 1})`, value: 'x'.repeat(s.maxLength + 1) });
    out.push({ label: 'overlong (10k)', value: LONG_STRING });
  }
  if (type === 'array') {
    const n = Math.max((s.maxItems ?? 0) + 1, 10_001);
    out.push({ label: `${n} items`, value: raw(`[${Array(n).fill('1').join(',')}]`, `[1,1,…(${n} items)]`) });
    if (s.maxItems !== undefined) out.push({ label: `maxItems + 1 strings`, value: Array(s.maxItems + 1).fill('x') });
    out.push({ label: 'array of nulls', value: [null, null] }, { label: 'array of arrays', value: [[1], [2]] });
  }
  if (type === 'boolean') out.push({ label: '"true"', value: 'true' }, { label: '1', value: 1 }, { label: '"yes"', value: 'yes' });
  return out;
}

/**
 * Well-formed dates far outside any season: each must be refused or answered at once. A range
 * ending at 9999-12-31 once made the server build days until it ran out of memory.
 */
function farDates(s: JsonSchema): { label: string; value: string }[] {
  const dates = ['9999-12-31', '0001-01-01', '1900-02-28', '2100-01-01', '2999-12-31'];
  if (s.format === 'date') return dates.map((d) => ({ label: `far date ${d}`, value: d }));
  if (s.format === 'date-time') return dates.map((d) => ({ label: `far instant ${d}`, value: `${d}T23:59:59Z` }));
  return [];
}

/** The string forms a query or path parameter of this schema might be sent with. */
export function badParamStrings(s: JsonSchema): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = HOSTILE_STRINGS.map((h) => ({ label: h.label, value: h.value }));
  out.push(...farDates(s));
  out.push(
    ...['-1', '0', '1e308', '-1e308', 'NaN', 'Infinity', '1.5', '0x10', '１０', '9007199254740993', '1e-400', ' '].map((v) => ({
      label: `number-ish ${JSON.stringify(v)}`,
      value: v,
    })),
    { label: 'overlong (10k)', value: LONG_STRING },
  );
  if (s.maxLength !== undefined) out.push({ label: `maxLength + 1`, value: 'x'.repeat(s.maxLength + 1) });
  return out;
}

/** Whether a query parameter's string surely fails its schema (numbers are coerced, as the contracts do). */
export function queryViolation(s: JsonSchema, value: string | string[]): string | null {
  const type = typesOf(s).find((x) => x !== 'null');
  if (type === 'array' || opaque(s)) return null;
  if (Array.isArray(value)) return 'repeated parameter';
  if (type === 'integer' || type === 'number') {
    if (value.trim() === '') return null;
    return violation(s, Number(value)) ?? (type === 'integer' && !Number.isSafeInteger(Number(value)) ? 'not an integer' : null);
  }
  if (type === 'boolean') return null;
  // An empty parameter may be read as "not given".
  if (value === '') return null;
  return violation(s, value);
}
