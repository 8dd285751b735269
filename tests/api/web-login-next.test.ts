import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { post } from '../helpers/factories.ts';

// The login page's `next`, through the built web app as main.ts serves it: someone already
// logged in who opens /login?next=… is sent on at once, by the server. Only to a path of this
// site, and never a 500 whatever `next` holds. (The rule itself: tests/unit/web-next.test.ts.)

let t: TestApp;
let cookie: string;
beforeAll(async () => {
  await buildWeb({ ifStale: true, quiet: true, log: () => {} });
  t = await buildTestApp({ web: true });
  const username = `next-${Date.now()}`;
  expect((await post(t.app, '/api/v1/users', { username, displayName: '跳转测试', password: 'next-password-0013', role: 'official' })).status).toBe(201);
  const res = await t.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'next-password-0013' } });
  expect(res.statusCode).toBe(200);
  cookie = String(res.headers['set-cookie']).split(';')[0];
}, 600_000);
afterAll(() => t?.close());

const open = (query: string) => t.server.inject({ method: 'GET', url: `/login?${query}`, headers: { cookie } });

describe('/login?next= for someone logged in', () => {
  it('goes on to a path of this site, percent-encoded', async () => {
    for (const [query, location] of [
      ['next=/records', '/records'],
      ['next=%2Frecords%3Ftab%3Dpickups', '/records?tab=pickups'],
      ['next=/%E7%87%95', '/%E7%87%95'],
    ]) {
      const res = await open(query);
      expect({ query, status: res.statusCode, location: res.headers.location }).toEqual({ query, status: 303, location });
    }
  });

  it('goes to the dashboard instead of another site, and never answers 500', async () => {
    for (const query of [
      'next=/%09/evil.example',
      'next=/%0d%0aSet-Cookie:%20a=b',
      'next=/%00',
      'next=//evil.example',
      'next=/%5Cevil.example',
      'next=https://evil.example',
      'next=%E7%87%95',
    ]) {
      const res = await open(query);
      expect({ query, status: res.statusCode, location: res.headers.location }).toEqual({ query, status: 303, location: '/' });
    }
  });

  it('shows the login page to someone not logged in, whatever next holds', async () => {
    for (const query of ['next=/%E7%87%95', 'next=/%09/evil.example', 'next=/%00']) {
      const res = await t.server.inject({ method: 'GET', url: `/login?${query}` });
      expect({ query, status: res.statusCode }).toEqual({ query, status: 200 });
    }
  });
});
