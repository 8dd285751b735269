import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import { IdParams } from '../../server/contracts/common.ts';
import {
  CarrierVolumeBatchInput,
  CarrierVolumeBody,
  CarrierVolumeParams,
  PackagingRunInput,
  PickupBatchInput,
  PickupInput,
  PickupListQuery,
  StorageMovementInput,
  VoidInput,
} from '../../server/contracts/ledger.ts';
import { CooperativeInput, StorageFacilityInput } from '../../server/contracts/organizations.ts';
import { ProjectInput, ReconciliationQuery } from '../../server/contracts/projects.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

type Operation = {
  requestBody?: {
    required?: boolean;
    content?: Record<string, { schema?: { type?: string; properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown } }>;
  };
  parameters?: { in: string; name: string; required?: boolean }[];
  responses?: Record<string, unknown>;
};
type OpenApi = { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>> };

async function openapi(): Promise<OpenApi> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.json();
}

const CELL = '/api/v1/carrier-volumes/{carrierCode}/{townCode}/{productCode}/{date}';

type Shape = Record<string, z.ZodType>;
/** A contract's fields, and which of them are required: what the document must declare. */
const fieldsOf = (schema: { shape: Shape }) => ({
  names: Object.keys(schema.shape).sort(),
  required: Object.keys(schema.shape)
    .filter((k) => !schema.shape[k].isOptional())
    .sort(),
});

/** Every route that takes a body, with the contract the body is validated against. */
const BODIES: { method: string; path: string; schema: { shape: Shape } }[] = [
  { method: 'post', path: '/api/v1/cooperatives', schema: CooperativeInput },
  { method: 'post', path: '/api/v1/storage-facilities', schema: StorageFacilityInput },
  { method: 'post', path: '/api/v1/projects', schema: ProjectInput },
  { method: 'post', path: '/api/v1/pickups', schema: PickupInput },
  { method: 'post', path: '/api/v1/pickups/batch', schema: PickupBatchInput },
  { method: 'post', path: '/api/v1/pickups/{id}/void', schema: VoidInput },
  { method: 'post', path: '/api/v1/packaging-runs', schema: PackagingRunInput },
  { method: 'post', path: '/api/v1/storage-movements', schema: StorageMovementInput },
  { method: 'put', path: CELL, schema: CarrierVolumeBody },
  { method: 'post', path: '/api/v1/carrier-volumes/batch', schema: CarrierVolumeBatchInput },
];

const PARAMETERS: { method: string; path: string; in: 'path' | 'query'; schema: { shape: Shape } }[] = [
  { method: 'get', path: '/api/v1/projects/{id}/progress', in: 'path', schema: IdParams },
  { method: 'get', path: '/api/v1/pickups/{id}', in: 'path', schema: IdParams },
  { method: 'post', path: '/api/v1/pickups/{id}/void', in: 'path', schema: IdParams },
  { method: 'put', path: CELL, in: 'path', schema: CarrierVolumeParams },
  { method: 'get', path: `${CELL}/history`, in: 'path', schema: CarrierVolumeParams },
  { method: 'get', path: '/api/v1/reconciliation', in: 'query', schema: ReconciliationQuery },
  { method: 'get', path: '/api/v1/pickups', in: 'query', schema: PickupListQuery },
];

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3 document of this version', async () => {
    const doc = await openapi();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.stringContaining('Guoyun'), version: VERSION });
  });

  it('lists every route that takes input, in OpenAPI path form', async () => {
    const { paths } = await openapi();
    const listed = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed).toEqual(
      expect.arrayContaining([
        'POST /api/v1/cooperatives',
        'POST /api/v1/storage-facilities',
        'POST /api/v1/projects',
        'GET /api/v1/projects/{id}/progress',
        'GET /api/v1/reconciliation',
        'POST /api/v1/pickups',
        'POST /api/v1/pickups/batch',
        'POST /api/v1/pickups/{id}/void',
        'GET /api/v1/pickups',
        'GET /api/v1/pickups/{id}',
        'POST /api/v1/packaging-runs',
        'POST /api/v1/storage-movements',
        `PUT ${CELL}`,
        `GET ${CELL}/history`,
        'POST /api/v1/carrier-volumes/batch',
        'GET /api/v1/health',
      ]),
    );
    // Fastify's ":param" form never leaks into the document.
    expect(Object.keys(paths).filter((p) => p.includes(':'))).toEqual([]);
  });

  it.each(BODIES)('$method $path declares its JSON request body', async ({ method, path, schema: contract }) => {
    const op = (await openapi()).paths[path]?.[method];
    expect(op, `${method} ${path} is listed`).toBeDefined();
    expect(op.requestBody?.required).toBe(true);
    const schema = op.requestBody?.content?.['application/json']?.schema;
    expect(schema?.type).toBe('object');
    const { names, required } = fieldsOf(contract);
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(names);
    expect([...(schema?.required ?? [])].sort()).toEqual(required);
    // Unknown fields are refused, and the document says so.
    expect(schema?.additionalProperties).toBe(false);
    expect(Object.keys(op.responses ?? {})).toContain('400');
  });

  it.each(PARAMETERS)('$method $path declares its $in parameters', async ({ method, path, in: where, schema }) => {
    const { names, required } = fieldsOf(schema);
    const op = (await openapi()).paths[path]?.[method];
    expect(op, `${method} ${path} is listed`).toBeDefined();
    const params = (op.parameters ?? []).filter((p) => p.in === where);
    expect(params.map((p) => p.name).sort()).toEqual(names);
    expect(
      params
        .filter((p) => p.required)
        .map((p) => p.name)
        .sort(),
    ).toEqual(required);
  });
});

describe('GET /api/v1/docs', () => {
  it.each(['/api/v1/docs', '/api/v1/docs/'])('%s serves the API reference as an HTML page', async (start) => {
    let url = start;
    let res = await t.app.inject({ method: 'GET', url });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
      url = new URL(String(res.headers.location), `http://localhost${url}`).pathname;
      res = await t.app.inject({ method: 'GET', url });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toMatch(/swagger/i);
  });
});

describe('GET /api/v1/health', () => {
  it('reports ok, the database this run uses, and the version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    const expected = inject('databaseUrl') ? 'postgres' : 'pglite';
    expect(t.db.handle.kind).toBe(expected);
    expect(res.json()).toEqual({ status: 'ok', database: expected, version: VERSION, now: t.clock.now().toISOString() });
  });
});
