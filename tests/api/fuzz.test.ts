import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from '../../server/contracts/common.ts';
import { CarrierVolumeInput, PickupInput } from '../../server/contracts/ledger.ts';
import { createToken } from '../../server/domain/accounts/tokens.ts';
import { createUser } from '../../server/domain/accounts/create-user.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { TOWNS, createCooperative, createProject, pickup } from '../helpers/factories.ts';
import { PRINCIPALS, caseArb, describeCase, type Access, type BadCredentials, type FuzzCase, type FuzzEnv, type Principal } from '../helpers/fuzz/cases.ts';
import { isoDate, type Hints, type JsonSchema } from '../helpers/fuzz/json-schema.ts';
import { changedTables, snapshot, type Snapshot } from '../helpers/fuzz/ledger.ts';
import { keyOf, routesToFuzz, type FuzzRoute, type OpenApiDoc } from '../helpers/fuzz/routes.ts';
import { buildTestApp, withHeaders, type Injector, type TestApp } from '../helpers/test-app.ts';

/*
 * Thousands of malformed and hostile requests to every route the app serves, built from the
 * routes' own zod contracts (through the OpenAPI document), sent as every kind of caller; the
 * import routes also get zip bombs and files past their size limit (helpers/fuzz/uploads.ts).
 * Each answer: never a 5xx; a refusal is the standard error body; a request the fuzzer knows
 * to be invalid is refused; and a refused request changes nothing (ledger, tallies,
 * organisations, accounts, network). At the end every tally still equals the ledger.
 *
 * FUZZ_SEED (default: random, printed) replays a run; FUZZ_RUNS (requests per route, default 50)
 * and FUZZ_BUDGET_MS (time shared by all routes, default 50 s) widen it:
 * FUZZ_SEED=123 FUZZ_RUNS=400 FUZZ_BUDGET_MS=600000 npx vitest run tests/api/fuzz.test.ts
 */

const RUNS = Math.max(2, Number(process.env.FUZZ_RUNS ?? 50));
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/**
 * The whole fuzzing run's time, shared among the routes and phases still to go: slow routes
 * (PDF rendering) and a busy machine mean fewer requests, not a run that stretches on.
 */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 50_000);
/** Runs per route and phase however short the time. */
const MIN_RUNS = 4;
/** Routes not fuzzed, each with its reason. Everything else the app serves is. */
const SKIPPED: Record<string, string> = {
  'GET /api/v1/live': 'a websocket upgrade (tests/api/live.test.ts covers its refusals)',
};
/** Batch routes take their items as `unknown` and judge each in the domain: the item contract to build items from. */
const ITEM_CONTRACTS: Record<string, z.ZodType> = {
  'POST /api/v1/pickups/batch': PickupInput,
  'POST /api/v1/carrier-volumes/batch': CarrierVolumeInput,
};

const PASSWORD = 'fuzz-password-0323';
const SESSION_ADDRESS = '10.9.9.9';

let t: TestApp;
let routes: FuzzRoute[] = [];
let served: string[] = [];
const access = new Map<string, Access>();
let env: FuzzEnv;
let clients: Record<Principal, Injector>;
const session = { cookie: '', csrf: '', username: '' };
let sent = 0;
const fx = { coop: '', facility: '', project: '', pickup: '', village: '', servicePoint: '', briefing: '', victimUser: '', victimToken: '', loginUser: '' };

// ---------------------------------------------------------------------------------------------
// What every answer must look like

// The ErrorBody contract, its error object held strictly (nothing but code, message and issues).
// Beside it an answer may carry what its route documents (an import's `rowErrors`), as the contract allows.
const StrictErrorBody = z.object({
  error: z.strictObject({
    code: ErrorCode,
    message: z.string().min(1),
    issues: z
      .array(z.strictObject({ path: z.string(), message: z.string().min(1) }))
      .min(1)
      .optional(),
  }),
});

/** A fast-check failure, without its hints: the counterexample and the error it raised. */
const failureText = (error: unknown) =>
  [
    ...String((error as Error).message)
      .split('\n')
      .filter((line) => line.trim() && !/^Hint:|^Shrunk/.test(line.trim()))
      .slice(0, 4),
    ...((error as Error).cause ? [`Got: ${String(((error as Error).cause as Error).message ?? (error as Error).cause)}`] : []),
  ].join('\n');

const excerpt = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}…` : text);

// Generous for a shared 2-core machine; the bugs this catches never answer at all.
const ANSWER_WITHIN_MS = 10_000;

async function send(c: FuzzCase): Promise<LightMyRequestResponse> {
  sent++;
  const opts: InjectOptions = { method: c.method as InjectOptions['method'], url: c.url, headers: c.headers };
  if (c.payload !== undefined) opts.payload = c.payload;
  // A request that hangs (or runs the process out of memory) must fail here, named, not time out the file.
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    clients[c.principal].inject(opts),
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms: ${describeCase(c)}`)), ANSWER_WITHIN_MS)),
    ),
  ]).finally(() => clearTimeout(timer));
  if (c.principal === 'session' && (res.statusCode === 401 || (res.statusCode === 204 && c.url.startsWith('/api/v1/auth/logout')))) await logIn();
  return res;
}

type Answer = Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body'>;

/** Never a 5xx; every refusal in the error shape; every request known to be invalid refused. */
function checkAnswer(c: FuzzCase, res: Answer) {
  const about = () => `${describeCase(c)}\n  → ${res.statusCode} ${excerpt(res.body)}`;
  if (res.statusCode >= 500) throw new Error(`5xx: ${about()}`);
  if (c.refusal && res.statusCode < 400) throw new Error(`accepted although ${c.refusal}: ${about()}`);
  if (res.statusCode >= 400 && c.method !== 'HEAD') {
    if (!/^application\/json/.test(String(res.headers['content-type'] ?? ''))) throw new Error(`refusal not JSON (${res.headers['content-type']}): ${about()}`);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new Error(`refusal not parseable: ${about()}`);
    }
    const parsed = StrictErrorBody.safeParse(body);
    if (!parsed.success) throw new Error(`refusal not in the error shape (${parsed.error.issues[0]?.message}): ${about()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: records the generated requests refer to, and the callers

async function logIn() {
  const res = await t.server.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: SESSION_ADDRESS,
    payload: { username: session.username, password: PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  session.cookie = String(res.headers['set-cookie']).split(';')[0];
  session.csrf = res.json().csrfToken;
}

async function fixtures() {
  const post = async (url: string, payload: unknown) => {
    const res = await t.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  fx.facility = (
    await post('/api/v1/storage-facilities', {
      name: `模糊冷库-${randomUUID().slice(0, 8)}`,
      townCode: TOWNS.yanya,
      kind: 'cold',
      operatorCooperativeId: fx.coop,
    })
  ).id;
  fx.project = await createProject(t.app);
  const p = pickup(fx.coop, { carrierCode: 'ems' });
  await post('/api/v1/pickups', p);
  fx.pickup = p.id as string;
  await post('/api/v1/storage-movements', {
    id: randomUUID(),
    facilityId: fx.facility,
    productCode: 'apple',
    direction: 'in',
    weightKg: 500,
    movedAt: '2026-11-10T04:00:00Z',
  });
  fx.village = (await post('/api/v1/villages', { code: `${TOWNS.nanma}901`, townCode: TOWNS.nanma, name: '模糊村' })).id;
  fx.servicePoint = (
    await post('/api/v1/service-points', {
      code: 'FUZZ-1',
      name: '模糊服务站',
      kind: 'village_station',
      townCode: TOWNS.nanma,
      mode: 'postal_courier',
      operator: '村供销超市',
      brands: ['ems'],
      takesOutgoing: true,
      openedOn: '2020-06-15',
      villageIds: [fx.village],
    })
  ).id;
  fx.briefing = (await post('/api/v1/briefings', { projectIds: [fx.project], problems: '无', nextSteps: '无', recipients: {} })).id;
  fx.victimUser = (await createUser({ ctx: t.ctx, input: { username: 'fuzz-victim', displayName: '受试用户', password: PASSWORD, role: 'official' } })).id;
  fx.victimToken = (await createToken({ ctx: t.ctx, input: { name: 'fuzz victim', role: 'official' } })).id;
  fx.loginUser = 'fuzz-login';
  await createUser({ ctx: t.ctx, input: { username: fx.loginUser, displayName: '登录用户', password: PASSWORD, role: 'official' } });
  session.username = 'fuzz-session-admin';
  await createUser({ ctx: t.ctx, input: { username: session.username, displayName: '会话管理员', password: PASSWORD, role: 'admin' } });
  await logIn();
}

async function referenceCodes(url: string): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url });
  expect(res.statusCode).toBe(200);
  return res.json().items.map((x: { code: string }) => x.code);
}

async function buildEnv(): Promise<FuzzEnv> {
  const [towns, carriers, products] = await Promise.all(['/api/v1/towns', '/api/v1/carriers', '/api/v1/products'].map(referenceCodes));
  const often = (value: string, other: fc.Arbitrary<unknown> = fc.uuid({ version: 4 })) =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: other });
  const known = [fx.coop, fx.facility, fx.project, fx.pickup, fx.village, fx.servicePoint, fx.briefing];
  const csvCell = fc.oneof(
    fc.constantFrom('燕崖村', '南麻街道', 'ems', '是', '2021-03-01', ''),
    fc.constantFrom(...['1', '-1', '1e308', 'NaN', '"', '""', '\n', ',', '=1+1', "' OR 1=1 --", '\u0000', '\ud800', '合'.repeat(300)]),
  );
  const csv = fc
    .tuple(
      fc.constantFrom(
        'code,townCode,name',
        'code,townCode,name,kind,notes',
        'code,name,kind,townCode,mode,operator,brands,takesOutgoing,openedOn,villages',
        'nonsense',
        '',
      ),
      fc.array(fc.tuple(fc.stringMatching(/^370323\d{6}$/), fc.constantFrom(...towns), csvCell, csvCell), { minLength: 0, maxLength: 5 }),
    )
    .map(([header, rows]) => [header, ...rows.map((r) => r.map((x) => (/[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x)).join(','))].join('\n'));
  const hints: Hints = {
    cooperativeId: often(fx.coop),
    operatorCooperativeId: often(fx.coop),
    facilityId: often(fx.facility),
    projectId: often(fx.project),
    'projectIds[]': often(fx.project),
    villageId: often(fx.village),
    'villageIds[]': often(fx.village),
    upstreamId: often(fx.servicePoint),
    townCode: fc.constantFrom(...towns),
    carrierCode: fc.constantFrom(...carriers),
    brand: fc.constantFrom(...carriers),
    'brands[]': fc.constantFrom(...carriers),
    productCode: fc.constantFrom(...products),
    organization: fc.oneof(fc.constant(fx.coop), fc.constantFrom(...carriers)),
    username: fc.oneof(fc.constant(fx.loginUser), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{2,39}$/)),
    password: fc.oneof(fc.constant(PASSWORD), fc.string({ minLength: 12, maxLength: 40 })),
    id: fc.oneof({ weight: 4, arbitrary: fc.uuid({ version: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(...known) }),
    content: fc.oneof(
      { weight: 4, arbitrary: csv },
      { weight: 1, arbitrary: fc.base64String({ minLength: 4, maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ minLength: 1 }) },
    ),
    date: isoDate,
  };
  const ids: Record<string, string> = {
    pickups: fx.pickup,
    projects: fx.project,
    villages: fx.village,
    'service-points': fx.servicePoint,
    briefings: fx.briefing,
    users: fx.victimUser,
    tokens: fx.victimToken,
  };
  const adminToken = (clients.admin as Injector & { token: string }).token;
  const badCredentials: BadCredentials[] = [
    { label: 'unknown token', headers: { authorization: `Bearer gyt_${randomUUID().replace(/-/g, '')}` }, refusedFor: () => true },
    { label: 'admin token with a character more', headers: { authorization: `Bearer ${adminToken}x` }, refusedFor: () => true },
    { label: 'empty bearer', headers: { authorization: 'Bearer ' }, refusedFor: () => true },
    { label: 'basic auth', headers: { authorization: 'Basic YWRtaW46Z3VveXVuLWFkbWluLTIwMjY=' }, refusedFor: () => true },
    { label: '10k token', headers: { authorization: `Bearer gyt_${'a'.repeat(10_000)}` }, refusedFor: () => true },
    { label: 'SQL in the token', headers: { authorization: "Bearer gyt_' OR '1'='1" }, refusedFor: () => true },
    { label: 'garbled session cookie', headers: { cookie: 'gy_session=%00%ff;gy_session=../../etc' }, refusedFor: () => true },
    { label: 'forged session cookie', headers: { cookie: `gy_session=${randomUUID()}` }, refusedFor: () => true },
    {
      label: 'session cookie without its CSRF header',
      get headers() {
        return { cookie: session.cookie };
      },
      refusedFor: (method) => !['GET', 'HEAD', 'OPTIONS'].includes(method),
    },
  ];
  return {
    server: t.server,
    hints,
    pathHint: (route, param) => {
      if (param !== 'id') return undefined;
      const resource = /^\/api\/v1\/([^/]+)\//.exec(route.path)?.[1];
      return resource && ids[resource] ? (often(ids[resource]) as fc.Arbitrary<string>) : undefined;
    },
    badCredentials,
  };
}

/** Who may call a route, found by asking it with no body: 401 and 403 before any parsing are the access rule. */
async function probeAccess(route: FuzzRoute): Promise<Access> {
  const url = route.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? fx.pickup : 'x')).replace('*', 'swagger-ui.css');
  const allowed: Principal[] = [];
  let isPublic = false;
  for (const who of PRINCIPALS) {
    // An admin's session may do what an admin's token may (tests/api/accounts.test.ts holds that).
    if (who === 'session') {
      if (allowed.includes('admin')) allowed.push('session');
      continue;
    }
    const res = await send({ kind: 'access probe', principal: who, method: route.method, url, headers: {}, refusal: null });
    if (who === 'anonymous' && res.statusCode !== 401) isPublic = true;
    if (res.statusCode !== 401 && res.statusCode !== 403) allowed.push(who);
  }
  return { allowed: isPublic ? [...PRINCIPALS] : allowed, public: isPublic };
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  t = await buildTestApp();
  fx.coop = await createCooperative(t.app, { name: `模糊合作社-${randomUUID().slice(0, 8)}` });
  clients = {
    admin: t.app,
    official: await t.as('official'),
    cooperative: await t.as('cooperative', fx.coop),
    carrier: await t.as('carrier', 'ems'),
    anonymous: t.server,
    // The session's headers are read at each request: a logout the fuzzer sends is followed by a new login.
    session: {
      inject: (opts: InjectOptions) =>
        withHeaders(t.server, { cookie: session.cookie, 'x-csrf-token': session.csrf }).inject({ ...opts, remoteAddress: SESSION_ADDRESS }),
    } as Injector,
  };
  await fixtures();
  env = await buildEnv();

  const doc = (await t.server.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as OpenApiDoc;
  ({ routes, served } = routesToFuzz(t.server, doc, Object.keys(SKIPPED)));
  for (const r of routes) {
    const itemContract = ITEM_CONTRACTS[keyOf(r.method, r.path)];
    const items = r.body?.schema.properties?.items;
    if (r.body && itemContract && items) {
      const item = z.toJSONSchema(itemContract, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
      r.body.generate = { ...r.body.schema, properties: { ...r.body.schema.properties, items: { ...items, items: item } } };
    }
    access.set(keyOf(r.method, r.path), await probeAccess(r));
  }
}, 120_000);

afterAll(async () => {
  console.log(`fuzz: ${sent} requests across ${routes.length} routes, seed=${SEED} (FUZZ_RUNS=${RUNS})`);
  await t?.close();
});

describe('the fuzzer', () => {
  it('covers every route the app serves but the listed skips', () => {
    const fuzzed = routes.map((r) => keyOf(r.method, r.path));
    expect(routes.filter((r) => r.documented).length).toBeGreaterThan(40);
    expect([...fuzzed, ...Object.keys(SKIPPED)].sort()).toEqual([...served].sort());
    // Every documented route takes part in the access probe, and some are closed to some callers.
    expect([...access.values()].some((a) => a.allowed.length < PRINCIPALS.length)).toBe(true);
  });

  it(
    'sends malformed and hostile requests to every route: never a 5xx, always the error shape, nothing changed by a refusal',
    async () => {
      const failures: string[] = [];
      const deadline = performance.now() + BUDGET_MS;
      const timed = { ms: 0, requests: 0 };
      let last: Snapshot = await snapshot(t.ctx);
      for (const [i, route] of routes.entries()) {
        const key = keyOf(route.method, route.path);
        const arb = caseArb(route, access.get(key)!, env);
        const half = Math.ceil(RUNS / 2);
        // Runs for this phase: its share of the time left, at the pace measured so far (at least a few).
        const params = (phase: number) => {
          const phasesLeft = (routes.length - i) * 2 - phase;
          const share = (deadline - performance.now()) / phasesLeft;
          const pace = timed.ms / Math.max(1, timed.requests);
          const numRuns = Math.max(MIN_RUNS, Math.min(half, Math.floor(share / Math.max(pace, 1))));
          return { numRuns, seed: SEED + i * 2 + phase, endOnFailure: true };
        };
        const phaseStart = performance.now();
        const sentAtStart = sent;
        // Requests sure to be refused: one snapshot before, one after.
        try {
          await fc.assert(
            fc.asyncProperty(
              arb.filter((c) => c.refusal !== null),
              async (c) => checkAnswer(c, await send(c)),
            ),
            params(0),
          );
          const after = await snapshot(t.ctx);
          const changed = changedTables(last, after);
          if (changed.length) failures.push(`${key}: refused requests changed ${changed.join(', ')}`);
          last = after;
        } catch (error) {
          failures.push(`${key}: ${failureText(error)}`);
          last = await snapshot(t.ctx);
        }

        // Requests that may succeed: a snapshot after each, so any refusal is shown to have changed nothing.
        try {
          await fc.assert(
            fc.asyncProperty(
              arb.filter((c) => c.refusal === null),
              async (c) => {
                const res = await send(c);
                checkAnswer(c, res);
                const after = await snapshot(t.ctx);
                const changed = changedTables(last, after);
                last = after;
                if (res.statusCode >= 400 && changed.length)
                  throw new Error(`refused with ${res.statusCode} but changed ${changed.join(', ')}: ${describeCase(c)}`);
              },
            ),
            params(1),
          );
        } catch (error) {
          failures.push(`${key}: ${failureText(error)}`);
          last = await snapshot(t.ctx);
        }
        timed.ms += performance.now() - phaseStart;
        timed.requests += sent - sentAtStart;
      }
      expect(failures).toEqual([]);
      const report = await verifyTallies({ ctx: t.ctx });
      expect(report.differences).toEqual([]);
      expect(report.ok).toBe(true);
    },
    BUDGET_MS + 300_000,
  );

  it('answers the same over real HTTP, where bodies can be cut short and framing broken', async () => {
    await t.server.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.server.server.address() as AddressInfo;
    const failures: string[] = [];
    const before = await snapshot(t.ctx);

    // A sample of the requests sure to be refused, through Node's HTTP parser this time.
    for (const [i, route] of routes.entries()) {
      const arb = caseArb(route, access.get(keyOf(route.method, route.path))!, env).filter((c) => c.refusal !== null);
      for (const c of fc.sample(arb, { seed: SEED + 7919 + i, numRuns: HTTP_PER_ROUTE })) {
        const res = await sendHttp(port, c);
        try {
          checkAnswer(c, res);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }

    // What only a socket can send: bodies shorter or longer than declared, broken chunking, smuggling.
    const token = (clients.admin as Injector & { token: string }).token;
    const head = (extra: string) =>
      `POST /api/v1/cooperatives HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n${extra}\r\n`;
    const body = JSON.stringify({ name: `截断合作社-${randomUUID().slice(0, 8)}`, townCode: TOWNS.yanya });
    const framings: [string, string][] = [
      ['body shorter than Content-Length, then the client stops', `${head(`Content-Length: ${body.length + 40}\r\n`)}${body}`],
      ['body longer than Content-Length', `${head('Content-Length: 5\r\nConnection: close\r\n')}${body}`],
      ['chunk size not hex', `${head('Transfer-Encoding: chunked\r\n')}zz\r\n${body}\r\n0\r\n\r\n`],
      ['chunked body cut short', `${head('Transfer-Encoding: chunked\r\n')}${(body.length + 10).toString(16)}\r\n${body}`],
      [
        'Content-Length and Transfer-Encoding together',
        `${head(`Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`)}${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ],
      ['Content-Length not a number', `${head('Content-Length: abc\r\n')}${body}`],
      ['two different Content-Lengths', `${head(`Content-Length: ${body.length}\r\nContent-Length: 3\r\n`)}${body}`],
      ['a request line that is not HTTP', 'GARBAGE\r\n\r\n'],
      ['headers larger than the server takes', `GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`],
    ];
    for (const [label, text] of framings) {
      sent++;
      const answers = await sendRaw(port, text);
      if (answers.length === 0) failures.push(`${label}: no answer at all`);
      for (const a of answers) {
        try {
          checkAnswer({ kind: label, principal: 'admin', method: 'POST', url: '/api/v1/cooperatives', headers: {}, refusal: label }, a);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(changedTables(before, await snapshot(t.ctx))).toEqual([]);
    // And the server still answers.
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Real HTTP

const HTTP_PER_ROUTE = 2;

const principalHeaders = (who: Principal): Record<string, string> =>
  who === 'anonymous'
    ? {}
    : who === 'session'
      ? { cookie: session.cookie, 'x-csrf-token': session.csrf }
      : { authorization: `Bearer ${(clients[who] as Injector & { token: string }).token}` };

/** A URL as a careful client puts it on the wire: anything outside printable ASCII percent-encoded as UTF-8. */
const onTheWire = (url: string) =>
  url.replace(/[^\x21-\x7e]/gu, (ch) => (ch.length === 1 && ch >= '\ud800' && ch <= '\udfff' ? '%ED%BF%BF' : encodeURIComponent(ch)));

function sendHttp(port: number, c: FuzzCase): Promise<Answer> {
  sent++;
  const payload = c.payload === undefined ? undefined : Buffer.from(c.payload);
  const headers = { ...principalHeaders(c.principal), ...c.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: c.method, path: onTheWire(c.url), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') } as Answer));
    });
    req.on('error', (error) => reject(new Error(`${describeCase(c)}: ${error.message}`)));
    req.end(payload);
  });
}

/** Writes bytes to a socket, half-closes it, and reads back every HTTP answer. */
function sendRaw(port: number, text: string): Promise<Answer[]> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswers(Buffer.concat(chunks).toString('utf8')));
    });
    socket.write(text, () => socket.end());
  });
}

function parseAnswers(stream: string): Answer[] {
  const out: Answer[] = [];
  let rest = stream;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const body = Buffer.from(rest.slice(end + 4))
      .subarray(0, length)
      .toString('utf8');
    out.push({ statusCode: Number(statusLine.split(' ')[1]), headers, body } as Answer);
    rest = Buffer.from(rest.slice(end + 4))
      .subarray(length)
      .toString('utf8');
  }
  return out;
}
