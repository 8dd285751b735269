import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { DEEP_ARRAY, DEEP_OBJECT, HOSTILE_STRINGS, OVER_BODY_LIMIT, PROTO_KEYS, WRONG_TYPE_VALUES } from './hostile.ts';
import { badParamStrings, badValues, parsedForm, poisoned, queryViolation, validArb, violation, type Hints, type JsonSchema } from './json-schema.ts';
import { JsonEntries, describeValue, setAt, toJsonText } from './json-text.ts';
import type { FuzzRoute } from './routes.ts';
import { uploadArb } from './uploads.ts';

export const PRINCIPALS = ['admin', 'official', 'cooperative', 'carrier', 'session', 'anonymous'] as const;
/** Who sends a request: a token of each role, an admin's browser session (cookie + CSRF header), or nobody. */
export type Principal = (typeof PRINCIPALS)[number];

/** Credentials that must not work: forged tokens, garbled cookies, a session without its CSRF header. */
export type BadCredentials = { label: string; headers: Record<string, string>; refusedFor: (method: string) => boolean };

/** One request to send, and — when the fuzzer is sure of it — why the server must refuse it. */
export type FuzzCase = {
  /** What was done to the request, for failure messages. */
  kind: string;
  principal: Principal;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** Why a 2xx would be wrong (then nothing may change either); null when the request may succeed. */
  refusal: string | null;
};

export type FuzzEnv = {
  server: FastifyInstance;
  /** Valid values by field or parameter name (records that exist, real codes). */
  hints: Hints;
  /** Valid values for a path parameter of this route (the id of a record that exists), if any. */
  pathHint: (route: FuzzRoute, param: string) => fc.Arbitrary<string> | undefined;
  badCredentials: BadCredentials[];
};

/** Who may call the route, as found by asking it. */
export type Access = { allowed: readonly Principal[]; public: boolean };

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const JSON_TYPE = 'application/json';
/** Content types no route accepts (the app parses JSON only). */
const FOREIGN_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----fuzz',
  'application/xml',
  'application/octet-stream',
  'text/csv',
  'image/png',
];
/** Spellings of JSON a client might send; whether each is accepted is up to the server. */
const ODD_JSON_TYPES = [
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'application/json-patch+json',
  'application/merge-patch+json',
];

type Built = { kind: string; payload?: string | Buffer; contentType?: string | null; refusal: string | null };
type Query = [string, string | string[]][];

// ---------------------------------------------------------------------------------------------
// URLs

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is written as the three
 * bytes a careless client would send (WTF-8), which are not valid UTF-8.
 */
export function encodeLoosely(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[^\ud800-\udfff]+|[\ud800-\udbff][\udc00-\udfff]/g, (part) => {
    if (part.length === 1 && part.charCodeAt(0) >= 0xd800 && part.charCodeAt(0) <= 0xdfff) {
      const c = part.charCodeAt(0);
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
    return encodeURIComponent(part);
  });
}

function encodeQuery(query: Query): string {
  const parts = query.flatMap(([k, v]) => [v].flat().map((x) => `${encodeLoosely(k)}=${encodeLoosely(x)}`));
  return parts.length ? `?${parts.join('&')}` : '';
}

const toParamString = (v: unknown): string => (Array.isArray(v) ? v.map(toParamString).join(',') : typeof v === 'string' ? v : JSON.stringify(v));

function validPathArbs(route: FuzzRoute, env: FuzzEnv): Record<string, fc.Arbitrary<string>> {
  return Object.fromEntries(
    route.pathParams.map((p) => [
      p.name,
      env.pathHint(route, p.name) ??
        (route.documented ? validArb(p.schema, env.hints, p.name).map(toParamString) : fc.constantFrom('swagger-ui.css', 'index.css', 'favicon-32x32.png')),
    ]),
  );
}

function validQueryArb(route: FuzzRoute, env: FuzzEnv): fc.Arbitrary<Query> {
  if (route.query.length === 0) return fc.constant([]);
  return fc
    .tuple(
      ...route.query.map((p) =>
        fc.tuple(fc.constant(p.name), p.required ? fc.constant(true) : fc.boolean(), validArb(p.schema, env.hints, p.name).map(toParamString)),
      ),
    )
    .map((entries) => entries.filter(([, keep]) => keep).map(([name, , value]) => [name, value] as [string, string]));
}

function fillPath(route: FuzzRoute, values: Record<string, string>, rawValues: Record<string, string> = {}): string {
  return route.path.replace(/:(\w+)|\*/g, (_m, name: string | undefined) => {
    const key = name ?? '*';
    return key in rawValues ? rawValues[key] : encodeLoosely(values[key]).replace(/%2F/g, key === '*' ? '/' : '%2F');
  });
}

/**
 * Whether a concrete path reaches this very route with bad parameters (surely refused), no route
 * at all (404), or another route (then it is that route's request, which may succeed).
 */
function pathRefusal(env: FuzzEnv, route: FuzzRoute, method: string, rawPath: string): string | null {
  let path: string;
  try {
    // As clients and the server read it: "." and ".." segments are resolved first.
    path = new URL(rawPath, 'http://fuzz.invalid').pathname;
  } catch {
    return null;
  }
  let found: { params: Record<string, string | undefined> } | null;
  try {
    found = env.server.findRoute({ method: method as 'GET', url: path }) as typeof found;
  } catch {
    return 'a URL the router cannot decode';
  }
  if (!found) return 'no route for the path';
  const names = route.pathParams.map((p) => p.name).sort();
  if (Object.keys(found.params).sort().join() !== names.join()) return null;
  for (const p of route.pathParams) {
    const value = found.params[p.name];
    if (value === undefined) return null;
    const why = route.documented ? violation(p.schema, value, p.name) : null;
    if (why) return `path parameter ${why}`;
  }
  return null;
}

function queryRefusal(route: FuzzRoute, query: Query): string | null {
  const byName = new Map<string, string | string[]>();
  for (const [k, v] of query) {
    const had = byName.get(k);
    byName.set(k, had === undefined ? v : [had, v].flat());
  }
  for (const p of route.query) {
    const v = byName.get(p.name);
    if (v === undefined) {
      if (p.required) return `query ${p.name}: missing`;
      continue;
    }
    const why = queryViolation(p.schema, v);
    if (why) return `query ${p.name}: ${why}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Bodies

/** Classifies a body by what the server's JSON parser and the contract make of it. */
function judgeBody(schema: JsonSchema, value: unknown): string | null {
  const parsed = parsedForm(value);
  if (poisoned(parsed)) return 'prototype poisoning';
  return violation(schema, parsed);
}

function jsonBody(kind: string, schema: JsonSchema, value: unknown): Built {
  return { kind, payload: toJsonText(value), contentType: JSON_TYPE, refusal: judgeBody(schema, value) };
}

type Slot =
  | { op: 'set'; path: (string | number)[]; schema: JsonSchema }
  | { op: 'drop'; path: (string | number)[] }
  | { op: 'extra'; path: (string | number)[] }
  | { op: 'dup'; path: (string | number)[]; key: string; schema: JsonSchema };

/** The places in a valid body one mutation can go. */
function slotsOf(s: JsonSchema, v: unknown, path: (string | number)[] = []): Slot[] {
  const out: Slot[] = path.length ? [{ op: 'set', path, schema: s }] : [];
  if (s.properties && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    out.push({ op: 'extra', path });
    for (const [key, sub] of Object.entries(s.properties)) {
      if (key in obj) {
        out.push(...slotsOf(sub, obj[key], [...path, key]));
        out.push({ op: 'dup', path, key, schema: sub });
        if (s.required?.includes(key)) out.push({ op: 'drop', path: [...path, key] });
      } else out.push({ op: 'set', path: [...path, key], schema: sub });
    }
  }
  if (s.items && Array.isArray(v)) v.slice(0, 2).forEach((item, i) => out.push(...slotsOf(s.items!, item, [...path, i])));
  return out;
}

const getAt = (v: unknown, path: readonly (string | number)[]) => path.reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], v);
const entriesOf = (v: unknown): [string, unknown][] => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : []);
const where = (path: readonly (string | number)[]) => path.join('.') || '(body)';

const EXTRA_KEYS = ['unexpected', ...PROTO_KEYS, '', ' ', 'a'.repeat(1000), '$where', 'id; DROP TABLE x', '\u0000'];
const EXTRA_VALUES: unknown[] = [1, 'x', null, { prototype: { polluted: true } }, { polluted: true }, []];

/** One mutation of a valid body, placed using `shape` and judged against `schema`. */
function mutationArb(shape: JsonSchema, schema: JsonSchema, valid: unknown): fc.Arbitrary<Built> {
  const slots = slotsOf(shape, valid);
  if (slots.length === 0) return fc.constant(jsonBody('valid body', schema, valid));
  return fc.constantFrom(...slots).chain((slot): fc.Arbitrary<Built> => {
    switch (slot.op) {
      case 'set':
        return fc.constantFrom(...badValues(slot.schema)).map((c) => jsonBody(`${where(slot.path)} ← ${c.label}`, schema, setAt(valid, slot.path, c.value)));
      case 'drop':
        return fc.constant(jsonBody(`${where(slot.path)} removed`, schema, setAt(valid, slot.path, undefined)));
      case 'extra':
        return fc
          .tuple(fc.constantFrom(...EXTRA_KEYS), fc.constantFrom(...EXTRA_VALUES))
          .map(([key, value]) =>
            jsonBody(
              `${where(slot.path)} + key ${describeValue(key, 30)}`,
              schema,
              setAt(valid, slot.path, new JsonEntries([...entriesOf(getAt(valid, slot.path)), [key, value]])),
            ),
          );
      case 'dup':
        return fc.tuple(fc.constantFrom(...badValues(slot.schema)), fc.boolean()).map(([c, badLast]) => {
          const entries = entriesOf(getAt(valid, slot.path));
          const good = entries.find(([k]) => k === slot.key)![1];
          const rest = entries.filter(([k]) => k !== slot.key);
          const pair: [string, unknown][] = badLast
            ? [
                [slot.key, good],
                [slot.key, c.value],
              ]
            : [
                [slot.key, c.value],
                [slot.key, good],
              ];
          const obj = new JsonEntries([...rest, ...pair]);
          return jsonBody(
            `duplicate key ${where([...slot.path, slot.key])} (${badLast ? 'last' : 'first'} ← ${c.label})`,
            schema,
            setAt(valid, slot.path, obj),
          );
        });
    }
  });
}

const GARBAGE = [
  "{'single': 'quotes'}",
  '{"a":1,}',
  '{"a":NaN}',
  '{"a":undefined}',
  '// comment\n{}',
  '{"a":1}}',
  '{"a":1} trailing',
  '[',
  'nul',
  '"unterminated',
  '{"a":"\\ud800"',
  '{"a":"\\x41"}',
  '\u0000',
  '{"a":0x10}',
  '{"a":+1}',
  '{"a":.5}',
  '{"a":01}',
];

function structuralArb(route: FuzzRoute, validBody: fc.Arbitrary<unknown>): fc.Arbitrary<Built> {
  const schema = route.body!.schema;
  const required = route.body!.required;
  const parse = (kind: string, refusal: string | null, payload?: string | Buffer, contentType: string | null = JSON_TYPE): Built => ({
    kind,
    payload,
    contentType,
    refusal,
  });
  return fc.oneof(
    validBody.chain((v) => {
      const text = toJsonText(v);
      return fc
        .integer({ min: 1, max: Math.max(1, text.length - 1) })
        .map((cut) => parse(`truncated at ${cut}/${text.length}`, 'invalid JSON', text.slice(0, cut)));
    }),
    fc.constantFrom(...GARBAGE).map((g) => parse(`invalid JSON ${JSON.stringify(g).slice(0, 30)}`, 'invalid JSON', g)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => parse('random bytes', null, Buffer.from(bytes))),
    fc.constantFrom(DEEP_ARRAY, DEEP_OBJECT).map((d) => jsonBody(`body is ${d.label}`, schema, d)),
    fc.constantFrom(...WRONG_TYPE_VALUES).map((w) => jsonBody(`body is ${w.label}`, schema, w.value)),
    fc.constant(parse('empty body declared as JSON', 'empty JSON body', '')),
    fc.constant(parse('no body at all', required ? 'the body is required' : null, undefined, null)),
    fc.constant(parse('over the body limit', 'body too large', JSON.stringify({ padding: OVER_BODY_LIMIT }))),
    validBody.chain((v) => fc.constantFrom(...FOREIGN_TYPES).map((type) => parse(`valid body as ${type}`, `content type ${type}`, toJsonText(v), type))),
    validBody.chain((v) => fc.constantFrom(...ODD_JSON_TYPES).map((type) => parse(`valid body as ${type}`, null, toJsonText(v), type))),
    validBody.map((v) => parse('valid body without a content type', null, toJsonText(v), null)),
    validBody.map((v) => parse('valid body after a byte-order mark', null, `\ufeff${toJsonText(v)}`)),
    validBody.map((v) => ({ ...jsonBody('body wrapped in an array', schema, [v]) })),
    fc
      .constantFrom(...PROTO_KEYS)
      .map((key) => jsonBody(`body with only ${key}`, schema, new JsonEntries([[key, { prototype: { polluted: true }, polluted: true }]]))),
  );
}

// ---------------------------------------------------------------------------------------------
// The request

type Part = { kind: string; method?: string; path?: string; query?: Query; body?: Built; credentials?: BadCredentials; refusal: string | null };

/** Every kind of request for one route; the principal is drawn from those allowed most of the time. */
export function caseArb(route: FuzzRoute, access: Access, env: FuzzEnv): fc.Arbitrary<FuzzCase> {
  const pathArbs = validPathArbs(route, env);
  const validPath = route.pathParams.length ? fc.record(pathArbs).map((values) => fillPath(route, values)) : fc.constant(route.path);
  const validQuery = validQueryArb(route, env);
  const shape = route.body?.generate ?? route.body?.schema;
  const validBody = shape ? validArb(shape, env.hints) : undefined;
  const validBuilt: fc.Arbitrary<Built | undefined> = validBody ? validBody.map((v) => jsonBody('valid body', route.body!.schema, v)) : fc.constant(undefined);

  const strategies: fc.WeightedArbitrary<Part>[] = [
    { weight: 2, arbitrary: validBuilt.map((body) => ({ kind: body ? 'near-valid body' : 'valid request', body, refusal: null })) },
  ];
  if (validBody) {
    strategies.push(
      {
        weight: 6,
        arbitrary: validBody.chain((v) => mutationArb(shape!, route.body!.schema, v)).map((body) => ({ kind: `body: ${body.kind}`, body, refusal: null })),
      },
      { weight: 3, arbitrary: structuralArb(route, validBody).map((body) => ({ kind: `body: ${body.kind}`, body, refusal: null })) },
    );
  }
  // Import routes: zip bombs and files past the size limit, in every way the route takes a file.
  const uploads = uploadArb(route);
  if (uploads) {
    strategies.push({
      weight: 2,
      arbitrary: uploads.map((u) => ({
        kind: `upload: ${u.kind}`,
        body: { kind: u.kind, payload: u.payload, contentType: u.contentType, refusal: u.refusal },
        refusal: u.refusal,
      })),
    });
  }
  if (route.pathParams.length) {
    const bad = fc.constantFrom(...route.pathParams).chain((p) =>
      fc.oneof(
        fc.constantFrom(...badParamStrings(p.schema)).map((c) => ({ kind: `path ${p.name} ← ${c.label}`, raw: { [p.name]: encodeLoosely(c.value) } })),
        fc
          .constantFrom(
            '..',
            '.',
            '../..',
            '..%2F..%2Fusers',
            '%2e%2e',
            '%2F',
            'a%2Fb',
            '%',
            '%zz',
            '%E0%A4%A',
            '%00',
            '%C0%AE',
            '%FF',
            '%ud800',
            '\u00e9',
            '合作社',
            ' ',
            '+',
            '%20',
            'x'.repeat(201),
          )
          .map((s) => ({ kind: `path ${p.name} ← raw ${describeValue(s, 30)}`, raw: { [p.name]: s } })),
      ),
    );
    strategies.push({
      weight: 3,
      arbitrary: fc.tuple(fc.record(pathArbs), bad).map(([values, b]) => ({ kind: b.kind, path: fillPath(route, values, b.raw), refusal: null })),
    });
  }
  const badQuery: fc.Arbitrary<Query>[] = [
    fc
      .tuple(fc.constantFrom('unknown', 'limit', '__proto__', 'constructor', 'town', '$where', 'a[b]', 'x'.repeat(300)), fc.constantFrom(...HOSTILE_STRINGS))
      .map(([k, h]) => [[k, h.value]]),
  ];
  if (route.query.length) {
    badQuery.push(
      fc
        .tuple(fc.constantFrom(...route.query), fc.integer({ min: 0, max: 1000 }))
        .chain(([p, n]) => fc.constantFrom(...badParamStrings(p.schema)).map((c): Query => [[p.name, n % 5 === 0 ? [c.value, c.value] : c.value]])),
    );
  }
  strategies.push({
    weight: route.query.length ? 3 : 1,
    arbitrary: fc.tuple(validQuery, fc.oneof(...badQuery)).map(([q, bad]) => {
      const names = new Set(bad.map(([k]) => k));
      const query = [...q.filter(([k]) => !names.has(k)), ...bad];
      return { kind: `query ${describeValue(Object.fromEntries(bad), 60)}`, query, refusal: null };
    }),
  });
  const otherMethods = [...METHODS.filter((m) => !env.server.hasRoute({ method: m as 'GET', url: route.path })), ...(route.method === 'GET' ? ['HEAD'] : [])];
  strategies.push({
    weight: 1,
    arbitrary: fc.constantFrom(...otherMethods).map((method) => ({
      kind: `method ${method}`,
      method,
      refusal: method === 'HEAD' ? null : `no ${method} route`,
    })),
  });
  strategies.push({
    weight: 1,
    arbitrary: fc.constantFrom(...env.badCredentials).map((credentials) => ({ kind: `credentials: ${credentials.label}`, credentials, refusal: null })),
  });

  const principalArb = access.allowed.length
    ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...access.allowed) }, { weight: 1, arbitrary: fc.constantFrom(...PRINCIPALS) })
    : fc.constantFrom(...PRINCIPALS);

  return fc.tuple(fc.oneof(...strategies), validPath, validQuery, validBuilt, principalArb).map(([part, path0, query0, body0, who]): FuzzCase => {
    const method = part.method ?? route.method;
    const path = part.path ?? path0;
    const query = part.query ?? query0;
    const body = part.body ?? (SAFE.has(method) ? undefined : body0);
    const credentials = part.credentials;
    // Forged credentials are sent by nobody else: the anonymous client adds none of its own.
    const principal: Principal = credentials ? 'anonymous' : who;
    const headers: Record<string, string> = { ...(credentials?.headers ?? {}) };
    if (body?.contentType) headers['content-type'] = body.contentType;

    const refusals = [
      part.refusal,
      credentials && !access.public && credentials.refusedFor(method) ? `bad credentials (${credentials.label})` : null,
      !credentials && !access.public && !access.allowed.includes(principal) ? `${principal} may not call it` : null,
      pathRefusal(env, route, method, path),
      route.documented && method === route.method ? queryRefusal(route, query) : null,
      route.body && method === route.method && body ? body.refusal : null,
      route.body?.required && method === route.method && !body ? 'the body is required' : null,
    ];
    return {
      kind: part.kind,
      principal,
      method,
      url: path + encodeQuery(query),
      headers,
      payload: body?.payload,
      refusal: refusals.find((r) => r) ?? null,
    };
  });
}

export const describeCase = (c: FuzzCase) =>
  `${c.method} ${c.url.length > 200 ? `${c.url.slice(0, 200)}…(${c.url.length} chars)` : c.url} as ${c.principal} [${c.kind}]` +
  (c.payload !== undefined ? ` body ${typeof c.payload === 'string' ? describeValue(c.payload, 300) : `<${c.payload.length} bytes>`}` : '') +
  (Object.keys(c.headers).length
    ? ` headers ${describeValue(Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, v.length > 40 ? `${v.slice(0, 40)}…` : v])), 200)}`
    : '');
