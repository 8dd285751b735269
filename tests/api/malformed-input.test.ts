import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { ErrorCode } from '../../server/contracts/common.ts';
import { TOWNS, createCooperative, createProject, pickup, post } from '../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';

/*
 * Every endpoint that takes input answers malformed input with a 4xx in the standard error
 * shape, names the offending field, and writes nothing. The clock is buildTestApp's fixed
 * 2026-11-29T04:00Z (2026-11-29 in Asia/Shanghai).
 */

let t: TestApp;
let coop: string;
let facility: string;
let project: string;
let pickupId: string;

const CELL = { carrierCode: 'ems', townCode: TOWNS.yanya, productCode: 'apple', date: '2026-11-10' };
const cellUrl = (c: Record<string, string> = CELL) => `/api/v1/carrier-volumes/${c.carrierCode}/${c.townCode}/${c.productCode}/${c.date}`;

beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
  project = await createProject(t.app);
  const f = await post(t.app, '/api/v1/storage-facilities', {
    name: `冷库-${randomUUID().slice(0, 8)}`,
    townCode: TOWNS.yanya,
    kind: 'cold',
    capacityKg: 1_000_000,
  });
  expect(f.status).toBe(201);
  facility = f.body.id;
  // Something in every ledger and tally (the valid-bodies test adds a reversal), so a stray write or update would show.
  const p = pickup(coop);
  expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(201);
  pickupId = p.id as string;
  expect((await post(t.app, cellUrl(), { parcels: 5 }, 'PUT')).status).toBe(200);
  expect((await post(t.app, '/api/v1/storage-movements', validMovement())).status).toBe(201);
  expect((await post(t.app, '/api/v1/packaging-runs', validPackagingRun())).status).toBe(201);
});
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// Valid bodies: each test changes one thing about one of these.

type Json = Record<string, unknown>;
const validCooperative = (): Json => ({ name: `合作社-${randomUUID().slice(0, 8)}`, townCode: TOWNS.dongli, village: '东里村', contact: '张三 13800000000' });
const validFacility = (): Json => ({ name: `冷库-${randomUUID().slice(0, 8)}`, townCode: TOWNS.nanma, kind: 'ca', capacityKg: 250_000 });
const validProject = (): Json => ({
  code: `malformed-${randomUUID().slice(0, 8)}`,
  name: '沂源苹果测试项目',
  nameEn: 'Yiyuan apple test project',
  productCode: 'apple',
  tier: 'silver',
  targetParcels: 100_000,
  startsOn: '2026-08-20',
  endsOn: '2027-04-30',
  townCode: TOWNS.yanya,
});
const validPickup = (): Json => pickup(coop, { village: '燕崖村', variety: '红富士', weightKg: 52.5 });
const validPackagingRun = (): Json => ({
  id: randomUUID(),
  cooperativeId: coop,
  productCode: 'apple',
  packageType: '5kg礼盒',
  parcels: 10,
  fruitKg: 50,
  packedAt: '2026-11-10T02:00:00Z',
});
const validMovement = (): Json => ({
  id: randomUUID(),
  facilityId: facility,
  productCode: 'apple',
  direction: 'in',
  weightKg: 100,
  lot: 'L-2026-11',
  movedAt: '2026-11-10T02:00:00Z',
});
const validVolume = (): Json => ({ ...CELL, parcels: 10 });

// ---------------------------------------------------------------------------------------------
// Sending exactly the bytes we mean.

/** A JSON token written verbatim: numbers JSON.stringify cannot produce (1e999, 2^53+1, -0) or 10,000 nested arrays. */
class Raw {
  constructor(readonly json: string) {}
}
const raw = (json: string) => new Raw(json);

function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) => (v instanceof Raw ? `@@raw${raws.push(v.json) - 1}@@` : v));
  return text.replace(/"@@raw(\d+)@@"/g, (_, i) => raws[Number(i)]);
}

type Res = { status: number; contentType: string; body: unknown };

async function send(method: 'GET' | 'POST' | 'PUT', url: string, payload?: string, contentType: string | null = 'application/json'): Promise<Res> {
  const headers: Record<string, string> = {};
  if (payload !== undefined && contentType !== null) headers['content-type'] = contentType;
  const res = await t.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  let body: unknown;
  try {
    body = res.json();
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body };
}

// ---------------------------------------------------------------------------------------------
// What a refusal must look like.

const StrictErrorBody = z.strictObject({
  error: z.strictObject({
    code: ErrorCode,
    message: z.string().min(1),
    issues: z
      .array(z.strictObject({ path: z.string(), message: z.string().min(1) }))
      .min(1)
      .optional(),
  }),
});

type Want = { status: number; code: ErrorCode | ErrorCode[]; path?: string };
const VALIDATION = (path?: string): Want => ({ status: 400, code: 'VALIDATION', path });
const INVALID_JSON: Want = { status: 400, code: 'INVALID_JSON' };

/** Soft assertions: one run reports every case that misbehaves, each under its own label. */
function expectRefused(label: string, res: Res, want: Want) {
  expect.soft(res.status, `${label}: never a 5xx`).toBeLessThan(500);
  expect.soft(res.status, `${label}: status`).toBe(want.status);
  expect.soft(res.contentType, `${label}: content type`).toMatch(/^application\/json/);
  const parsed = StrictErrorBody.safeParse(res.body);
  expect.soft(parsed.success ? 'ok' : res.body, `${label}: error shape`).toBe('ok');
  if (!parsed.success) return;
  expect.soft([want.code].flat(), `${label}: error code`).toContain(parsed.data.error.code);
  if (want.path !== undefined) {
    const paths = parsed.data.error.issues?.map((i) => i.path) ?? [];
    expect.soft(paths, `${label}: an issue names "${want.path}"`).toContain(want.path);
  }
}

// ---------------------------------------------------------------------------------------------
// Nothing written: every ledger and tally table, by row count and by a digest of its content
// (so an UPDATE of a tally shows too).

const TABLES = [
  'pickups',
  'pickup_reversals',
  'packaging_runs',
  'storage_movements',
  'carrier_volume_revisions',
  'volume_cells',
  'project_rollups',
  'storage_stock',
  'cooperatives',
  'storage_facilities',
  'projects',
] as const;

async function snapshot() {
  const out: Record<string, { rows: number; digest: string }> = {};
  for (const table of TABLES) {
    const [row] = rowsOf<{ rows: number; digest: string }>(
      await t.ctx.db.execute(sql`
        SELECT count(*)::int AS rows, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest
        FROM ${sql.identifier(table)} x`),
    );
    out[table] = { rows: Number(row.rows), digest: row.digest };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bad values, by the kind of field.

type Case = { label: string; value: unknown };
const LONG = 'x'.repeat(10_000);
const DEEP = '['.repeat(10_000) + ']'.repeat(10_000);
const DEEP_OBJECT = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
const TEN_MB = JSON.stringify({ padding: 'x'.repeat(10 * 1024 * 1024) });

const c = (label: string, value: unknown): Case => ({ label, value });
const str = (value: string): Case => c(JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…(${value.length} chars)` : value), value);

const COMMON: Case[] = [c('an object', { value: 1 }), c('an array', ['x']), c('10,000 nested arrays', raw(DEEP)), c('null', null)];
const NOT_A_STRING: Case[] = [c('a number', 42), c('a boolean', true), ...COMMON];
const NOT_A_NUMBER: Case[] = [
  ...['5', '', ' ', 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', 'null', '5 parcels', '１０'].map((s) => c(`the string ${JSON.stringify(s)}`, s)),
  c('a boolean', true),
  ...COMMON,
];
const CONTROL_CHARS: Case[] = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['ESC', '\u001b[2J'],
  ['vertical tab', '\u000b'],
  ['DEL', '\u007f'],
  ['NEL (C1)', '\u0085'],
  ['CSI (C1)', '\u009b31m'],
].map(([name, ch]) => c(`a ${name} control character`, `合作社${ch}一号`));

const KINDS = {
  uuid: (): Case[] => [
    ...NOT_A_STRING,
    str(''),
    str('not-a-uuid'),
    str('00000000-0000-4000-8000-00000000000'),
    str(`${randomUUID()}0`),
    str(` ${randomUUID()}`),
    str(`${randomUUID()}\u0000`),
    str(LONG),
  ],
  town: (): Case[] => [
    ...NOT_A_STRING,
    c('a 9-digit number', 370323109),
    str(''),
    c('an unknown town', '370323999'),
    str('37032310'),
    str('3703231090'),
    str(' 370323109'),
    str('370323109\u0000'),
    str('３７０３２３１０９'),
    str(LONG),
  ],
  carrier: (): Case[] => [...NOT_A_STRING, str(''), c('an unknown carrier', 'dhl'), str('EMS'), str('e ms'), str('ems\u0000'), str(LONG)],
  product: (): Case[] => [...NOT_A_STRING, str(''), c('an unknown product', 'pear'), str('Apple'), str('apple\u0000'), str(LONG)],
  text: (max: number): Case[] => [
    ...NOT_A_STRING,
    str(''),
    str('   '),
    c(`${max + 1} characters`, '字'.repeat(max + 1)),
    str(LONG),
    ...CONTROL_CHARS,
    c('an unpaired surrogate', 'a\ud800b'),
  ],
  oneOf: (values: string[]): Case[] => [...NOT_A_STRING, str(''), str(values[0].toUpperCase()), str(` ${values[0]}`), str('frozen'), str(LONG)],
  int: (min: number, max: number): Case[] => [
    ...NOT_A_NUMBER,
    ...(min > 0 ? [c('zero', 0)] : []),
    c('negative', -1),
    c(`below ${min}`, min - 1),
    c('fractional', 1.5),
    c('a tiny fraction', 0.0001),
    c(`above ${max}`, max + 1),
    c('1e308', 1e308),
    c('1e999 (Infinity)', raw('1e999')),
    c('-1e999', raw('-1e999')),
    c('2^53+1', raw('9007199254740993')),
    c('-(2^53+1)', raw('-9007199254740993')),
  ],
  kilograms: (): Case[] => [
    ...NOT_A_NUMBER,
    c('zero', 0),
    c('-0', raw('-0')),
    c('negative', -1),
    c('less than a gram (stored as 0)', 0.0004),
    c('1e-300', 1e-300),
    c('above 1e9', 1e9 + 1),
    c('1e308', 1e308),
    c('1e999 (Infinity)', raw('1e999')),
    c('2^53+1', raw('9007199254740993')),
  ],
  instant: (): Case[] => [
    ...NOT_A_STRING,
    c('epoch milliseconds', 1_762_740_000_000),
    str(''),
    c('February 30th', '2026-02-30T02:00:00Z'),
    c('February 29th in a common year', '2026-02-29T02:00:00Z'),
    c('month 13', '2026-13-01T02:00:00Z'),
    c('hour 24', '2026-11-10T24:30:00Z'),
    c('offset +25:00', '2026-11-10T02:00:00+25:00'),
    str('yesterday'),
    str('now'),
    c('no time zone', '2026-11-10T10:00:00'),
    c('no time zone, no seconds', '2026-11-10T10:00'),
    c('a date without a time', '2026-11-10'),
    c('a local format', '10/11/2026 10:00'),
    c('in the future', '2026-12-01T00:00:00Z'),
    c('before 2015', '2014-12-31T23:59:59Z'),
    str('2026-11-10T02:00:00Z\u0000'),
    str(LONG),
  ],
  date: (): Case[] => [
    ...NOT_A_STRING,
    str(''),
    c('February 30th', '2026-02-30'),
    c('February 29th in a common year', '2026-02-29'),
    c('month 13', '2026-13-01'),
    c('month 0', '2026-00-10'),
    c('November 31st', '2026-11-31'),
    str('yesterday'),
    str('2026-1-1'),
    str('20261110'),
    c('an instant', '2026-11-10T00:00:00Z'),
    str(LONG),
  ],
  projectCode: (): Case[] => [
    ...NOT_A_STRING,
    str(''),
    str('a'),
    str('Apple-2026'),
    str('apple 2026'),
    str('apple_2026'),
    str('-apple'),
    str('x'.repeat(65)),
    str('apple\u0000'),
    str(LONG),
  ],
};

type Fields = Record<string, { cases: Case[]; required: boolean }>;
const req = (cases: Case[]) => ({ cases, required: true });
const opt = (cases: Case[]) => ({ cases, required: false });

const COOPERATIVE_FIELDS: Fields = {
  id: opt(KINDS.uuid()),
  name: req(KINDS.text(100)),
  townCode: req(KINDS.town()),
  village: opt(KINDS.text(100)),
  contact: opt(KINDS.text(100)),
};
const FACILITY_FIELDS: Fields = {
  id: opt(KINDS.uuid()),
  name: req(KINDS.text(100)),
  townCode: req(KINDS.town()),
  kind: req(KINDS.oneOf(['cold', 'ca', 'ambient'])),
  capacityKg: opt(KINDS.kilograms()),
};
const PROJECT_FIELDS: Fields = {
  id: opt(KINDS.uuid()),
  code: req(KINDS.projectCode()),
  name: req(KINDS.text(200)),
  nameEn: opt(KINDS.text(200)),
  productCode: req(KINDS.product()),
  tier: req(KINDS.oneOf(['gold', 'silver', 'bronze'])),
  targetParcels: req(KINDS.int(1, 1_000_000_000)),
  startsOn: req(KINDS.date()),
  endsOn: req(KINDS.date()),
  townCode: opt(KINDS.town()),
};
const PICKUP_FIELDS: Fields = {
  id: req(KINDS.uuid()),
  cooperativeId: req([...KINDS.uuid(), c('an unknown cooperative', randomUUID())]),
  townCode: req(KINDS.town()),
  village: opt(KINDS.text(100)),
  carrierCode: req(KINDS.carrier()),
  productCode: req(KINDS.product()),
  variety: opt(KINDS.text(50)),
  parcels: req(KINDS.int(1, 20_000)),
  weightKg: opt(KINDS.kilograms()),
  pickedUpAt: req(KINDS.instant()),
};
const PACKAGING_FIELDS: Fields = {
  id: req(KINDS.uuid()),
  cooperativeId: req([...KINDS.uuid(), c('an unknown cooperative', randomUUID())]),
  productCode: req(KINDS.product()),
  packageType: req(KINDS.text(100)),
  parcels: req(KINDS.int(1, 1_000_000)),
  fruitKg: req(KINDS.kilograms()),
  packedAt: req(KINDS.instant()),
};
const MOVEMENT_FIELDS: Fields = {
  id: req(KINDS.uuid()),
  facilityId: req([...KINDS.uuid(), c('an unknown facility', randomUUID())]),
  productCode: req(KINDS.product()),
  direction: req(KINDS.oneOf(['in', 'out'])),
  weightKg: req(KINDS.kilograms()),
  lot: opt(KINDS.text(100)),
  movedAt: req(KINDS.instant()),
};
const VOLUME_BODY_FIELDS: Fields = { parcels: req(KINDS.int(0, 10_000_000)) };
const VOLUME_ITEM_FIELDS: Fields = {
  carrierCode: req(KINDS.carrier()),
  townCode: req(KINDS.town()),
  productCode: req(KINDS.product()),
  date: req([...KINDS.date(), c('a day not yet begun in Shanghai', '2026-11-30'), c('before 2015', '2014-12-31')]),
  parcels: req(KINDS.int(0, 10_000_000)),
};
const VOID_FIELDS: Fields = { reason: req(KINDS.text(500)) };

type Mutation = { label: string; body: Json; path: string };

/** One bad body per case: each field given each bad value, each required field left out, unknown fields added. */
function mutations(fields: Fields, valid: () => Json, extra: Mutation[] = []): Mutation[] {
  const out: Mutation[] = [];
  for (const [field, { cases, required }] of Object.entries(fields)) {
    for (const k of cases) out.push({ label: `${field} as ${k.label}`, body: { ...valid(), [field]: k.value }, path: field });
    if (required) {
      const body = valid();
      delete body[field];
      out.push({ label: `${field} missing`, body, path: field });
    }
  }
  for (const key of ['extra', 'constructor', 'toString', 'hasOwnProperty', 'Parcels', ' id']) {
    out.push({ label: `an unknown field "${key}"`, body: { ...valid(), [key]: 1 }, path: key });
  }
  return [...out, ...extra];
}

/** The body as a whole is wrong: not JSON, not an object, poisoned, too deep, too large, not JSON at all. */
function bodyShapes(valid: () => Json): { label: string; payload: string; contentType?: string | null; want: Want }[] {
  const inner = toJson(valid()).slice(1); // `"field":…}` to splice keys in front of
  return [
    { label: 'invalid JSON', payload: '{bad', want: INVALID_JSON },
    { label: 'truncated JSON', payload: toJson(valid()).slice(0, -5), want: INVALID_JSON },
    { label: 'a trailing comma', payload: `${toJson(valid()).slice(0, -1)},}`, want: INVALID_JSON },
    { label: 'single quotes', payload: "{'a':1}", want: INVALID_JSON },
    { label: 'two JSON documents', payload: `${toJson(valid())}${toJson(valid())}`, want: INVALID_JSON },
    { label: 'a bare NaN', payload: 'NaN', want: INVALID_JSON },
    { label: 'an empty body', payload: '', want: INVALID_JSON },
    { label: 'a blank body', payload: '  \n ', want: INVALID_JSON },
    { label: '10,000 unclosed arrays', payload: '['.repeat(10_000), want: INVALID_JSON },
    { label: 'a JSON array', payload: '[]', want: VALIDATION('') },
    { label: 'an array holding the valid object', payload: `[${toJson(valid())}]`, want: VALIDATION('') },
    { label: 'a JSON string', payload: '"hello"', want: VALIDATION('') },
    { label: 'JSON null', payload: 'null', want: VALIDATION('') },
    { label: 'a JSON number', payload: '42', want: VALIDATION('') },
    { label: 'JSON true', payload: 'true', want: VALIDATION('') },
    { label: '10,000 nested arrays', payload: DEEP, want: VALIDATION('') },
    { label: '10,000 nested objects', payload: DEEP_OBJECT, want: VALIDATION('a') },
    { label: 'a __proto__ key', payload: `{"__proto__":{"polluted":true},${inner}`, want: { status: 400, code: ['INVALID_JSON', 'VALIDATION'] } },
    {
      label: 'a nested __proto__ key',
      payload: `{"extra":{"__proto__":{"polluted":true}},${inner}`,
      want: { status: 400, code: ['INVALID_JSON', 'VALIDATION'] },
    },
    {
      label: 'a constructor.prototype key',
      payload: `{"constructor":{"prototype":{"polluted":true}},${inner}`,
      want: { status: 400, code: ['INVALID_JSON', 'VALIDATION'] },
    },
    { label: 'a 10 MB body', payload: TEN_MB, want: { status: 413, code: 'PAYLOAD_TOO_LARGE' } },
    ...(
      [
        ['text/plain', toJson(valid())],
        ['text/plain; charset=utf-8', toJson(valid())],
        ['application/x-www-form-urlencoded', 'name=x&townCode=370323109'],
        ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XyZ--'],
        ['application/xml', '<pickup/>'],
        [null, toJson(valid())],
      ] as const
    ).map(([contentType, payload]) => ({
      label: `a body sent as ${contentType ?? 'no content type'}`,
      payload,
      contentType,
      want: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } as Want,
    })),
  ];
}

// ---------------------------------------------------------------------------------------------

describe('the valid bodies the malformed ones are made from', () => {
  it('are accepted, so each refusal below is down to the one thing changed', async () => {
    const accepted = async (method: 'POST' | 'PUT', url: string, body: Json) => {
      const res = await send(method, url, toJson(body));
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    };
    await accepted('POST', '/api/v1/cooperatives', validCooperative());
    await accepted('POST', '/api/v1/storage-facilities', validFacility());
    await accepted('POST', '/api/v1/projects', validProject());
    await accepted('POST', '/api/v1/pickups', validPickup());
    await accepted('POST', '/api/v1/pickups/batch', { items: [validPickup()] });
    await accepted('POST', '/api/v1/packaging-runs', validPackagingRun());
    await accepted('POST', '/api/v1/storage-movements', validMovement());
    await accepted('PUT', cellUrl(), { parcels: 7 });
    await accepted('POST', '/api/v1/carrier-volumes/batch', { items: [validVolume()] });
    // Voiding is tested on a pickup of its own, so the malformed voids below still have something to void.
    const p = validPickup();
    await accepted('POST', '/api/v1/pickups', p);
    await accepted('POST', `/api/v1/pickups/${p.id}/void`, { reason: '重复录入' });
  });
});

describe('malformed input', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeEach(async () => {
    before = await snapshot();
  });
  afterEach(async () => {
    expect(await snapshot(), 'nothing was written').toEqual(before);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype is untouched').toBeUndefined();
  });

  type BodyEndpoint = { name: string; method: 'POST' | 'PUT'; url: () => string; fields: Fields; valid: () => Json; extra?: Mutation[] };
  const BODY_ENDPOINTS: BodyEndpoint[] = [
    { name: 'POST /api/v1/cooperatives', method: 'POST', url: () => '/api/v1/cooperatives', fields: COOPERATIVE_FIELDS, valid: validCooperative },
    { name: 'POST /api/v1/storage-facilities', method: 'POST', url: () => '/api/v1/storage-facilities', fields: FACILITY_FIELDS, valid: validFacility },
    {
      name: 'POST /api/v1/projects',
      method: 'POST',
      url: () => '/api/v1/projects',
      fields: PROJECT_FIELDS,
      valid: validProject,
      extra: [
        { label: 'endsOn before startsOn', body: { ...validProject(), startsOn: '2026-09-01', endsOn: '2026-08-31' }, path: 'endsOn' },
        { label: 'a period of more than two years', body: { ...validProject(), startsOn: '2026-01-01', endsOn: '2029-01-01' }, path: 'endsOn' },
      ],
    },
    { name: 'POST /api/v1/pickups', method: 'POST', url: () => '/api/v1/pickups', fields: PICKUP_FIELDS, valid: validPickup },
    { name: 'POST /api/v1/packaging-runs', method: 'POST', url: () => '/api/v1/packaging-runs', fields: PACKAGING_FIELDS, valid: validPackagingRun },
    { name: 'POST /api/v1/storage-movements', method: 'POST', url: () => '/api/v1/storage-movements', fields: MOVEMENT_FIELDS, valid: validMovement },
    {
      name: 'POST /api/v1/pickups/{id}/void',
      method: 'POST',
      url: () => `/api/v1/pickups/${pickupId}/void`,
      fields: VOID_FIELDS,
      valid: () => ({ reason: '录入错误' }),
    },
    {
      name: 'PUT /api/v1/carrier-volumes/{carrierCode}/{townCode}/{productCode}/{date}',
      method: 'PUT',
      url: () => cellUrl(),
      fields: VOLUME_BODY_FIELDS,
      valid: () => ({ parcels: 8 }),
    },
  ];

  describe.each(BODY_ENDPOINTS)('$name', ({ method, url, fields, valid, extra }) => {
    it('refuses each wrong, missing or unknown field with 400 and an issue naming it', async () => {
      for (const m of mutations(fields, valid, extra)) {
        expectRefused(m.label, await send(method, url(), toJson(m.body)), VALIDATION(m.path));
      }
    });

    it('refuses a body that is not a JSON object, is poisoned, too deep, too large or not JSON', async () => {
      for (const b of bodyShapes(valid)) {
        expectRefused(b.label, await send(method, url(), b.payload, b.contentType), b.want);
      }
    });
  });

  type BatchEndpoint = { name: string; url: string; max: number; fields: Fields; valid: () => Json };
  const BATCH_ENDPOINTS: BatchEndpoint[] = [
    { name: 'POST /api/v1/pickups/batch', url: '/api/v1/pickups/batch', max: 1000, fields: PICKUP_FIELDS, valid: validPickup },
    { name: 'POST /api/v1/carrier-volumes/batch', url: '/api/v1/carrier-volumes/batch', max: 5000, fields: VOLUME_ITEM_FIELDS, valid: validVolume },
  ];

  describe.each(BATCH_ENDPOINTS)('$name', ({ url, max, fields, valid }) => {
    const batch = () => ({ items: [valid()] });

    it('refuses a malformed batch as a whole with 400 and an issue naming the field', async () => {
      const cases: { label: string; body: Json; path: string }[] = [
        { label: 'items missing', body: {}, path: 'items' },
        ...[
          c('a string', 'x'),
          c('a number', 42),
          c('a boolean', true),
          c('null', null),
          c('an object of items', { 0: valid() }),
          c('10,000 nested objects', raw(DEEP_OBJECT)),
        ].map((k) => ({ label: `items as ${k.label}`, body: { items: k.value }, path: 'items' })),
        { label: 'no items', body: { items: [] }, path: 'items' },
        { label: `${max + 1} items`, body: { items: Array.from({ length: max + 1 }, () => ({})) }, path: 'items' },
        ...['extra', 'constructor', 'item'].map((key) => ({ label: `an unknown field "${key}"`, body: { ...batch(), [key]: 1 }, path: key })),
      ];
      for (const m of cases) expectRefused(m.label, await send('POST', url, toJson(m.body)), VALIDATION(m.path));
      for (const b of bodyShapes(batch)) expectRefused(b.label, await send('POST', url, b.payload, b.contentType), b.want);
    });

    it('judges each malformed item invalid, names its field under items.N, and writes none of them', async () => {
      const items: { label: string; item: unknown; path: string }[] = [
        ...[c('a string', 'x'), c('a number', 42), c('null', null), c('an array', [valid()]), c('10,000 nested arrays', raw(DEEP))].map((k) => ({
          label: `an item that is ${k.label}`,
          item: k.value,
          path: '',
        })),
        ...mutations(fields, valid).map((m) => ({ label: m.label, item: m.body, path: m.path })),
      ];
      const res = await send('POST', url, toJson({ items: items.map((i) => i.item) }));
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
      const body = res.body as {
        results: { index: number; status: string; error?: { code: string; issues?: { path: string }[] } }[];
        summary: Record<string, number>;
      };
      expect(body.results).toHaveLength(items.length);
      expect(body.summary.invalid).toBe(items.length);
      items.forEach((it, index) => {
        const r = body.results[index];
        const path = it.path ? `items.${index}.${it.path}` : `items.${index}`;
        expect.soft(r.status, `${it.label}: status`).toBe('invalid');
        expect.soft(r.error?.code, `${it.label}: code`).toBe('VALIDATION');
        expect.soft(r.error?.issues?.map((i) => i.path) ?? [], `${it.label}: an issue names "${path}"`).toContain(path);
      });
    });
  });

  // --- Path parameters ---------------------------------------------------------------------------

  /** Bad path segments for an id; `null` path means the router refuses before it knows which parameter. */
  const BAD_IDS: { label: string; segment: string; want: Want }[] = [
    { label: 'not a UUID', segment: 'abc', want: VALIDATION('id') },
    { label: 'a number', segment: '123', want: VALIDATION('id') },
    { label: 'a UUID with a character too many', segment: `${randomUUID()}0`, want: VALIDATION('id') },
    { label: 'a UUID with an encoded NUL', segment: `${randomUUID()}%00`, want: VALIDATION('id') },
    { label: 'an encoded newline', segment: '%0A', want: VALIDATION('id') },
    { label: '200 characters', segment: 'a'.repeat(200), want: VALIDATION('id') },
    { label: '10,000 characters', segment: 'a'.repeat(10_000), want: VALIDATION() },
    { label: 'a broken percent-encoding', segment: '%ZZ', want: VALIDATION() },
    { label: 'a truncated UTF-8 sequence', segment: '%E6%9E', want: VALIDATION() },
    { label: 'an unknown UUID', segment: '00000000-0000-4000-8000-000000000000', want: { status: 404, code: 'NOT_FOUND' } },
  ];

  it('GET /api/v1/projects/{id}/progress refuses a bad id with 400 and an unknown one with 404', async () => {
    for (const b of BAD_IDS) expectRefused(b.label, await send('GET', `/api/v1/projects/${b.segment}/progress`), b.want);
  });

  it('GET /api/v1/pickups/{id} refuses a bad id with 400 and an unknown one with 404', async () => {
    for (const b of BAD_IDS) expectRefused(b.label, await send('GET', `/api/v1/pickups/${b.segment}`), b.want);
  });

  it('POST /api/v1/pickups/{id}/void refuses a bad id with 400 and an unknown one with 404', async () => {
    for (const b of BAD_IDS) expectRefused(b.label, await send('POST', `/api/v1/pickups/${b.segment}/void`, toJson({ reason: '录入错误' })), b.want);
  });

  const BAD_CELLS: { label: string; cell: Record<string, string>; want: Want }[] = [
    ...(
      [
        ['carrierCode', 'an unknown carrier', 'dhl'],
        ['carrierCode', 'upper case', 'EMS'],
        ['carrierCode', 'a digit first', '1ems'],
        ['carrierCode', 'an encoded NUL', 'ems%00'],
        ['carrierCode', 'an encoded space', 'e%20ms'],
        ['townCode', 'an unknown town', '370323999'],
        ['townCode', '8 digits', '37032310'],
        ['townCode', 'letters', 'yanya'],
        ['townCode', 'an encoded NUL', '370323109%00'],
        ['productCode', 'an unknown product', 'pear'],
        ['productCode', 'upper case', 'APPLE'],
        ['date', 'February 30th', '2026-02-30'],
        ['date', 'month 13', '2026-13-01'],
        ['date', 'yesterday', 'yesterday'],
        ['date', 'an instant', '2026-11-10T00:00:00Z'],
        ['date', 'a compact date', '20261110'],
        ['date', '200 characters', 'x'.repeat(200)],
      ] as const
    ).map(([field, label, value]) => ({ label: `${field} ${label}`, cell: { ...CELL, [field]: value }, want: VALIDATION(field) })),
    { label: 'carrierCode of 10,000 characters', cell: { ...CELL, carrierCode: 'e'.repeat(10_000) }, want: VALIDATION() },
    { label: 'townCode broken percent-encoding', cell: { ...CELL, townCode: '%ZZ' }, want: VALIDATION() },
  ];

  it('PUT /api/v1/carrier-volumes/{carrierCode}/{townCode}/{productCode}/{date} refuses a bad cell with 400 naming the parameter', async () => {
    // Reporting is also refused for days that cannot have figures yet (reading their empty history is fine).
    const impossibleDays = [
      { label: 'date a day not yet begun in Shanghai', cell: { ...CELL, date: '2026-11-30' }, want: VALIDATION('date') },
      { label: 'date before 2015', cell: { ...CELL, date: '2014-12-31' }, want: VALIDATION('date') },
    ];
    for (const b of [...BAD_CELLS, ...impossibleDays]) expectRefused(b.label, await send('PUT', cellUrl(b.cell), toJson({ parcels: 9 })), b.want);
  });

  it('GET /api/v1/carrier-volumes/{carrierCode}/{townCode}/{productCode}/{date}/history refuses a bad cell with 400 naming the parameter', async () => {
    for (const b of BAD_CELLS) expectRefused(b.label, await send('GET', `${cellUrl(b.cell)}/history`), b.want);
  });

  // --- Query strings -----------------------------------------------------------------------------

  it('GET /api/v1/reconciliation refuses a missing, malformed or repeated projectId with 400, an unknown one with 404', async () => {
    const cases: { query: string; want: Want }[] = [
      { query: '', want: VALIDATION('projectId') },
      { query: '?projectId=', want: VALIDATION('projectId') },
      { query: '?projectId=abc', want: VALIDATION('projectId') },
      { query: `?projectId=${project}%00`, want: VALIDATION('projectId') },
      { query: `?projectId=${'a'.repeat(10_000)}`, want: VALIDATION('projectId') },
      { query: `?projectId=${project}&projectId=${project}`, want: VALIDATION('projectId') },
      { query: '?projectId=%ZZ', want: VALIDATION('projectId') },
      { query: `?projectid=${project}`, want: VALIDATION('projectId') },
      { query: `?projectId=${project}&extra=1`, want: VALIDATION('extra') },
      { query: `?projectId=${project}&__proto__=x`, want: VALIDATION('__proto__') },
      { query: '?projectId=00000000-0000-4000-8000-000000000000', want: { status: 404, code: 'NOT_FOUND' } },
    ];
    for (const q of cases) expectRefused(`query ${q.query.slice(0, 80)}`, await send('GET', `/api/v1/reconciliation${q.query}`), q.want);
  });

  it('GET /api/v1/pickups refuses each malformed or unknown filter with 400 naming it', async () => {
    const bad: Record<string, string[]> = {
      cooperativeId: ['', 'abc', `${coop}%00`, 'a'.repeat(10_000)],
      townCode: ['370323999', '37032310', 'yanya', '370323109%00', 'x'.repeat(10_000)],
      carrierCode: ['dhl', 'DHL', 'ems%00', '%ZZ'],
      productCode: ['pear', 'Apple', 'apple%1B'],
      from: ['2026-02-30', '2026-13-01', 'yesterday', '2026-11-10T00:00:00Z', '20261110', 'x'.repeat(10_000)],
      to: ['2026-02-30', '2026-13-01', 'yesterday', '2026-11-10T00:00:00%2B08:00'],
      limit: ['', '0', '-1', '1.5', '501', '1e308', '9007199254740993', 'NaN', 'Infinity', '-Infinity', 'abc', '10abc', 'null', 'true'],
    };
    for (const [field, values] of Object.entries(bad)) {
      for (const v of values) expectRefused(`${field}=${v.slice(0, 40)}`, await send('GET', `/api/v1/pickups?${field}=${v}`), VALIDATION(field));
      if (field !== 'limit') {
        expectRefused(`${field} given twice`, await send('GET', `/api/v1/pickups?${field}=a&${field}=b`), VALIDATION(field));
      }
    }
    expectRefused('limit given twice', await send('GET', '/api/v1/pickups?limit=5&limit=6'), VALIDATION('limit'));
    for (const key of ['town', 'extra', '__proto__', 'constructor', 'Limit']) {
      expectRefused(`an unknown filter "${key}"`, await send('GET', `/api/v1/pickups?${key}=1`), VALIDATION(key));
    }
  });
});
