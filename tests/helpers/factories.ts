import { randomUUID } from 'node:crypto';
import type { Injector } from './test-app.ts';
import { expect } from 'vitest';

export const TOWNS = {
  yanya: '370323109', // 燕崖镇, the cherry town
  dongli: '370323103', // 东里镇
  nanma: '370323002', // 南麻街道
  shiqiao: '370323110', // 石桥镇
} as const;

type Json = Record<string, unknown>;

export async function post(app: Injector, url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') {
  const res = await app.inject({ method, url, payload: payload as Json });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

export async function get(app: Injector, url: string) {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}

export async function createCooperative(app: Injector, overrides: Json = {}): Promise<string> {
  const res = await post(app, '/api/v1/cooperatives', { name: `合作社-${randomUUID().slice(0, 8)}`, townCode: TOWNS.yanya, ...overrides });
  expect(res.status).toBe(201);
  return res.body.id;
}

export async function createProject(app: Injector, overrides: Json = {}): Promise<string> {
  const res = await post(app, '/api/v1/projects', {
    code: `apple-test-${randomUUID().slice(0, 8)}`,
    name: '沂源苹果测试项目',
    productCode: 'apple',
    tier: 'gold',
    targetParcels: 10_000_000,
    startsOn: '2026-08-20',
    endsOn: '2027-04-30',
    ...overrides,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

export function pickup(cooperativeId: string, overrides: Json = {}): Json {
  return {
    id: randomUUID(),
    cooperativeId,
    townCode: TOWNS.yanya,
    carrierCode: 'ems',
    productCode: 'apple',
    parcels: 10,
    pickedUpAt: '2026-11-10T02:00:00Z',
    ...overrides,
  };
}

export async function progress(app: Injector, projectId: string) {
  const res = await get(app, `/api/v1/projects/${projectId}/progress`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The standard error shape, with the expected code. */
export function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}
