import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressView, ProjectView } from '../../server/contracts/projects.ts';
import { seedDemo } from '../../server/domain/demo/seed-demo.ts';
import { listCooperatives } from '../../server/domain/organizations/list-cooperatives.ts';
import { ensureSeasonProjects } from '../../server/domain/projects/ensure-season-projects.ts';
import { getProgress } from '../../server/domain/projects/get-progress.ts';
import { listProjects } from '../../server/domain/projects/list-projects.ts';
import { formatParcels, formatPercent, formatVillageShare } from '../../server/render/format.ts';
import { buildTestApp, type Injector, type TestApp } from '../helpers/test-app.ts';
import { expectError, get, post } from '../helpers/factories.ts';

// A realistic season (the demo data at 29 November 2026: about two thirds of the apple goal),
// briefings issued through the API, and the PDFs read back with poppler as a reader would.

let t: TestApp;
let official: Injector;
let apple: ProjectView;
let appleProgress: ProgressView;
let dir: string;

beforeAll(async () => {
  t = await buildTestApp({ now: '2026-11-29T04:00:00Z' });
  await ensureSeasonProjects({ ctx: t.ctx });
  await seedDemo({ ctx: t.ctx });
  official = await t.as('official');
  apple = (await listProjects({ ctx: t.ctx })).items.find((p) => p.code === 'apple-2026')!;
  appleProgress = await getProgress({ ctx: t.ctx, id: apple.id });
  dir = mkdtempSync(join(tmpdir(), 'guoyun-briefings-'));
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

const issueBody = (overrides: Record<string, unknown> = {}) => ({
  problems: '部分镇（街道）合作社登记数与快递企业报送数差异较大。',
  nextSteps: '督促各快递企业每日按时报送揽收数据。',
  recipients: { bao: '县委、县政府主要领导', song: '市邮政管理局', fa: '各镇（街道）' },
  copies: 30,
  ...overrides,
});

async function download(client: Injector, id: string) {
  const res = await client.inject({ method: 'GET', url: `/api/v1/briefings/${id}.pdf` });
  return { res, bytes: res.rawPayload };
}

function saved(bytes: Buffer): string {
  const file = join(dir, `${randomUUID()}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

const pdftotext = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
/** Without white space: a sentence of the PDF may wrap anywhere. */
const flat = (s: string) => s.replace(/\s+/g, '');
const pct = (part: number, whole: number) => formatPercent((part / whole) * 100);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('POST /api/v1/briefings', () => {
  let issued: { id: string; number: number; sha256: string; sizeBytes: number };
  let text: string;
  let file: string;

  beforeAll(async () => {
    const res = await post(official, '/api/v1/briefings', issueBody());
    expect(res.status).toBe(201);
    issued = res.body;
    const { res: pdf, bytes } = await download(official, issued.id);
    expect(pdf.statusCode).toBe(200);
    file = saved(bytes);
    text = pdftotext(file);
  });

  it('answers 201 with the metadata of the first briefing of the year', async () => {
    const list = await get(official, '/api/v1/briefings');
    expect(list.body.items).toEqual([
      {
        id: issued.id,
        year: 2026,
        number: 1,
        title: '沂源县快递进村工程简报',
        language: 'zh',
        issuedAt: '2026-11-29T04:00:00.000Z',
        cutOffAt: '2026-11-29T04:00:00.000Z',
        issuedBy: 'token:test official',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        sizeBytes: expect.any(Number),
      },
    ]);
    // Subset fonts and compressed charts keep a briefing small enough to mail around.
    expect(issued.sizeBytes).toBeGreaterThan(50_000);
    expect(issued.sizeBytes).toBeLessThan(300_000);
  });

  it('prints the masthead, the cut-off, and the figures as formatted for officials', () => {
    expect(text).toContain('沂源县快递进村工程简报');
    expect(text).toContain('第1期');
    expect(text).toContain('沂源县快递进村工作领导小组办公室');
    expect(text).toContain('2026年11月29日');
    expect(text).toContain('数据截至2026年11月29日12:00');
    expect(text).toContain(apple.name);
    expect(text).toContain(formatParcels(apple.targetParcels, 'zh'));
    expect(formatParcels(apple.targetParcels, 'zh')).toBe('1000万件');
    expect(text).toContain(formatParcels(appleProgress.countedParcels, 'zh'));
    expect(text).toContain(formatParcels(appleProgress.confirmedParcels, 'zh'));
    expect(text).toContain(formatParcels(appleProgress.provisionalParcels, 'zh'));
    expect(text).toContain(`${appleProgress.elapsedPercent.toFixed(1)}%`);
  });

  it('has the town table with flags, the carriers, the stock, and what the official wrote', () => {
    for (const town of t.ctx.reference.towns) expect(text).toContain(town.name);
    for (const carrier of t.ctx.reference.carriers) expect(text).toContain(carrier.name);
    expect(text).toMatch(/[蓝黄红]/);
    expect(text).toContain('红黄蓝标识');
    expect(text).toContain('东里镇果品气调库');
    expect(text).toContain('存在问题');
    expect(text).toContain('部分镇（街道）合作社登记数与快递企业报送数差异较大。');
    expect(text).toContain('下步工作');
    expect(text).toContain('督促各快递企业每日按时报送揽收数据。');
    expect(text).toMatch(/报：县委、县政府主要领导/);
    expect(text).toMatch(/送：市邮政管理局/);
    expect(text).toMatch(/发：各镇（街道）/);
    expect(text).toContain('共印30份');
    // Page numbers "— 1 —" (pdftotext may drop the thin spaces).
    expect(text).toMatch(/—\s?1\s?—/);
    expect(text).toMatch(/—\s?2\s?—/);
  });

  it('reports village coverage on the cut-off date: the county as numerator / denominator, proxies and no data apart, targets, towns', async () => {
    const coverage = (await get(official, '/api/v1/coverage?date=2026-11-29')).body;
    const c = coverage.county;
    expect(c.denominatorSource).toBe('villages');
    expect([c.covered, c.coveredByProxy, c.noData].every((n: number) => n > 0)).toBe(true);
    const body = flat(text);
    // Section 二, after the projects' progress and before the parcels by town.
    expect(body).toContain('二、快递进村覆盖情况');
    expect(body.indexOf('二、快递进村覆盖情况')).toBeLessThan(body.indexOf('三、分镇（街道）进展'));
    expect(body).toContain(
      flat(`截至2026年11月29日，全县已通快递${formatVillageShare(c.covered, c.denominator, 'zh')}，覆盖率${pct(c.covered, c.denominator)}`),
    );
    expect(formatVillageShare(c.covered, c.denominator, 'zh')).toMatch(/^\d+ \/ \d+ 建制村$/);
    expect(body).toContain(`另有${c.coveredByProxy}个建制村由村民代办收投，含代办覆盖率${pct(c.covered + c.coveredByProxy, c.denominator)}`);
    expect(body).toContain(`无数据${c.noData}个`);
    expect(body).toContain(`城市社区${c.communitiesExcluded}个不计入`);
    expect(body).toContain('12个镇（街道）均已建成镇级快递服务节点');
    // The seeded targets: 80 % by the end of 2020 (met), 100 % by the end of 2021 (missed), proxies counted.
    expect(coverage.targets.map((x: { status: string }) => x.status)).toEqual(['met', 'missed']);
    const withProxy = pct(c.covered + c.coveredByProxy, c.denominator);
    expect(body).toContain(`2020年底覆盖率80%目标：已完成（现含村民代办覆盖率${withProxy}）`);
    expect(body).toContain(`2021年底覆盖率100%目标：未完成（现含村民代办覆盖率${withProxy}，尚差${c.denominator - c.covered - c.coveredByProxy}个建制村）`);
    // Few villages without data: each is named, after its town.
    expect(coverage.noDataVillages.length).toBeGreaterThan(0);
    expect(coverage.noDataVillages.length).toBeLessThanOrEqual(10);
    expect(body).toContain(`无数据的建制村（${coverage.noDataVillages.length}个`);
    for (const v of coverage.noDataVillages) expect(body).toContain(v.name);
    // One row a town, and the county: covered / villages, proxy, unserved, no data, rates.
    const row = (name: string, r: { covered: number; denominator: number; coveredByProxy: number; uncovered: number; noData: number }) =>
      new RegExp(
        `^\\s*${name}\\s+${r.covered} / ${r.denominator}\\s+${r.coveredByProxy}\\s+${r.uncovered}\\s+${r.noData}\\s+${pct(r.covered, r.denominator)}\\s+${pct(r.covered + r.coveredByProxy, r.denominator)}\\s*$`,
        'm',
      );
    for (const town of coverage.byTown) expect(text).toMatch(row(town.townName, town));
    expect(text).toMatch(row('全县合计', c));
  });

  it('embeds the CJK font as a subset, and no other font', () => {
    const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) {
      expect(line).toMatch(/^[A-Z]{6}\+NotoSansHans-(Regular|Bold)\s/);
      // columns: … emb sub uni object ID
      expect(line).toMatch(/\syes\s+yes\s+yes\s+\d+\s+\d+$/);
    }
  });

  it('renders page 1 to a non-trivial image', () => {
    const prefix = join(dir, 'page');
    execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', file, prefix]);
    const png = `${prefix}-1.png`;
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // A4 at 50 dpi: about 413 × 585 pixels.
    expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(412);
    expect(bytes.readUInt32BE(16)).toBeLessThanOrEqual(414);
    expect(bytes.readUInt32BE(20)).toBeGreaterThanOrEqual(584);
    expect(bytes.readUInt32BE(20)).toBeLessThanOrEqual(586);
    // A blank page compresses to about a kilobyte; text, a red masthead and a chart do not.
    expect(statSync(png).size).toBeGreaterThan(15_000);
  });

  it('serves the stored bytes again, identical, with its ETag, a filename, and 304 when unchanged', async () => {
    const first = await download(official, issued.id);
    const again = await download(official, issued.id);
    expect(first.res.headers['content-type']).toBe('application/pdf');
    expect(first.res.headers.etag).toBe(`"${issued.sha256}"`);
    expect(first.res.headers['content-disposition']).toMatch(/^inline; filename="guoyun-briefing-2026-001\.pdf"; filename\*=UTF-8''/);
    expect(decodeURIComponent(String(first.res.headers['content-disposition']).split("UTF-8''")[1])).toBe('沂源县快递进村工程简报2026年第1期.pdf');
    expect(Buffer.compare(first.bytes, again.bytes)).toBe(0);
    expect(sha256(again.bytes)).toBe(issued.sha256);
    expect(again.bytes.length).toBe(issued.sizeBytes);
    const cached = await official.inject({ method: 'GET', url: `/api/v1/briefings/${issued.id}.pdf`, headers: { 'if-none-match': `"${issued.sha256}"` } });
    expect(cached.statusCode).toBe(304);
    expect(cached.rawPayload.length).toBe(0);
  });

  it('records the issue in the audit trail', async () => {
    const audit = await get(official, '/api/v1/audit?action=briefing.issue');
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({
        action: 'briefing.issue',
        targetType: 'briefing',
        targetId: issued.id,
        actor: 'token:test official',
        details: expect.objectContaining({ year: 2026, number: 1 }),
      }),
    );
  });
});

describe('numbering', () => {
  it('gives consecutive numbers, also to issues made at the same moment; a preview uses none up', async () => {
    const before = (await get(official, '/api/v1/briefings?year=2026')).body.items.map((b: { number: number }) => b.number);
    const last = Math.max(0, ...before);

    const preview = await official.inject({ method: 'GET', url: `/api/v1/briefings/preview.pdf?projectIds=${apple.id}` });
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    expect(preview.headers['cache-control']).toBe('no-store');
    const previewText = pdftotext(saved(preview.rawPayload));
    expect(previewText).toContain(`第${last + 1}期（预览）`);
    expect(previewText).toContain('签发时由领导小组办公室填写');
    expect((await get(official, '/api/v1/briefings?year=2026')).body.items).toHaveLength(before.length);

    // Issued at the same moment, all render with the same expected number; all but one must
    // notice under the lock and render again.
    const concurrent = await Promise.all([1, 2, 3].map(() => post(official, '/api/v1/briefings', issueBody())));
    expect(concurrent.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(concurrent.map((r) => r.body.number).sort((x, y) => x - y)).toEqual([last + 1, last + 2, last + 3]);
    const next = await post(official, '/api/v1/briefings', issueBody());
    expect(next.body.number).toBe(last + 4);
    // The number printed is the number stored, also for the issues that had to re-render.
    for (const issued of [...concurrent.map((r) => r.body), next.body]) {
      const { bytes } = await download(official, issued.id);
      expect(pdftotext(saved(bytes))).toContain(`第${issued.number}期`);
    }
    const numbers = (await get(official, '/api/v1/briefings?year=2026')).body.items.map((x: { number: number }) => x.number);
    expect(numbers).toEqual([...numbers].sort((x, y) => y - x));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('answers a re-sent issue with the briefing it made, and a different request with that id with 409', async () => {
    const id = randomUUID();
    const first = await post(official, '/api/v1/briefings', issueBody({ id }));
    expect(first.status).toBe(201);
    const again = await post(official, '/api/v1/briefings', issueBody({ id }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expectError(await post(official, '/api/v1/briefings', issueBody({ id, copies: 31 })), 409, 'CONFLICT');

    // The same id sent twice at once: one issues, the other answers with that briefing.
    const twin = randomUUID();
    const both = await Promise.all([
      post(official, '/api/v1/briefings', issueBody({ id: twin })),
      post(official, '/api/v1/briefings', issueBody({ id: twin })),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(both[0].body).toEqual(both[1].body);
  });
});

describe('English', () => {
  it('renders the same data with English names and labels', async () => {
    const res = await post(
      official,
      '/api/v1/briefings',
      issueBody({ lang: 'en', problems: 'Some towns log more than carriers report.', nextSteps: 'Chase daily carrier reports.' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ language: 'en', title: 'Yiyuan County Express-to-Villages Briefing' });
    const { res: pdf, bytes } = await download(official, res.body.id);
    expect(String(pdf.headers['content-disposition'])).toContain(`guoyun-briefing-2026-${String(res.body.number).padStart(3, '0')}.pdf`);
    const text = pdftotext(saved(bytes));
    expect(text).toContain(apple.nameEn!);
    expect(text).toContain(formatParcels(appleProgress.countedParcels, 'en'));
    expect(text).toContain('10 million');
    expect(text).toContain('Overall progress');
    expect(text).toContain('By town');
    expect(text).toContain('By carrier');
    expect(text).toContain('Data as of 29 Nov 2026, 12:00');
    for (const town of t.ctx.reference.towns) expect(text).toContain(town.nameEn);
    expect(text).toContain('SF Express');
    expect(text).toContain('Some towns log more than carriers report.');
    const c = (await get(official, '/api/v1/coverage')).body.county;
    expect(text).toContain('2. Express service in villages');
    expect(flat(text)).toContain(
      flat(`As of 29 Nov 2026, ${formatVillageShare(c.covered, c.denominator, 'en')} have express service: ${pct(c.covered, c.denominator)}`),
    );
    expect(flat(text)).toContain(flat(`${c.coveredByProxy} more are served by villager proxies only`));
    expect(flat(text)).toContain(flat('80% coverage by the end of 2020: met'));
    expect(flat(text)).toContain(flat('100% coverage by the end of 2021: missed'));
    expect(text).toMatch(new RegExp(`^\\s*County\\s+${c.covered} / ${c.denominator}\\s+${c.coveredByProxy}\\s+${c.uncovered}\\s+${c.noData}\\s`, 'm'));
  });
});

describe('a county whose network has not been entered', () => {
  let empty: TestApp;
  beforeAll(async () => {
    empty = await buildTestApp({ now: '2026-11-29T04:00:00Z' });
    await ensureSeasonProjects({ ctx: empty.ctx });
  });
  afterAll(() => empty?.close());

  it('says coverage data has not been entered yet, rather than printing zeros as figures', async () => {
    const client = await empty.as('official');
    const coverage = (await get(client, '/api/v1/coverage')).body;
    expect(coverage.county).toMatchObject({ denominatorSource: 'reference', covered: 0 });
    for (const lang of ['zh', 'en'] as const) {
      const res = await client.inject({ method: 'GET', url: `/api/v1/briefings/preview.pdf?lang=${lang}` });
      expect(res.statusCode).toBe(200);
      const body = flat(pdftotext(saved(res.rawPayload)));
      if (lang === 'zh') {
        expect(body).toContain('二、快递进村覆盖情况');
        expect(body).toContain(
          flat('截至2026年11月29日，快递进村覆盖数据尚未录入（系统中尚无建制村名录和快递服务站点记录），暂不能统计建制村快递服务覆盖率。'),
        );
        expect(body).toContain('已设定的覆盖率目标为2020年底达到80%、2021年底达到100%');
        expect(body).not.toContain('覆盖率0.0%');
        expect(body).not.toContain('未完成');
        expect(body).not.toContain('含代办');
      } else {
        expect(body).toContain(flat('2. Express service in villages'));
        expect(body).toContain(
          flat('village coverage data has not been entered yet (there are no villages and no service points on record), so coverage cannot be reported.'),
        );
        expect(body).not.toContain(flat('have express service'));
      }
    }
  });
});

describe('access', () => {
  it('lets officials and admins in, refuses cooperatives and carriers (403) and anonymous callers (401)', async () => {
    const [coopId] = (await listCooperatives({ ctx: t.ctx })).items.map((c) => c.id);
    const coop = await t.as('cooperative', coopId);
    const carrier = await t.as('carrier', 'ems');
    const someId = (await get(official, '/api/v1/briefings')).body.items[0].id;
    const urls = ['/api/v1/briefings', '/api/v1/briefings/preview.pdf', `/api/v1/briefings/${someId}.pdf`];
    for (const client of [coop, carrier]) {
      expectError(await post(client, '/api/v1/briefings', issueBody()), 403, 'FORBIDDEN');
      for (const url of urls) expectError(await get(client, url), 403, 'FORBIDDEN');
    }
    expectError(await post(t.server, '/api/v1/briefings', issueBody()), 401, 'UNAUTHORIZED');
    for (const url of urls) expectError(await get(t.server, url), 401, 'UNAUTHORIZED');
    expect((await get(t.app, '/api/v1/briefings')).status).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/briefings/${someId}.pdf` })).statusCode).toBe(200);
  });
});

describe('unhappy paths', () => {
  it('refuses a request without the official text, or with unknown fields, with field-level issues', async () => {
    const res = await post(official, '/api/v1/briefings', { recipients: {}, colour: 'red' });
    expectError(res, 400, 'VALIDATION');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['problems', 'nextSteps', 'colour']));
    expectError(await post(official, '/api/v1/briefings', issueBody({ lang: 'fr' })), 400, 'VALIDATION');
    expectError(await post(official, '/api/v1/briefings', issueBody({ copies: 0 })), 400, 'VALIDATION');
  });

  it('names an unknown project in the issues; a preview with none running by default says so', async () => {
    const res = await post(official, '/api/v1/briefings', issueBody({ projectIds: [apple.id, randomUUID()] }));
    expectError(res, 400, 'VALIDATION');
    expect(res.body.error.issues).toEqual([{ path: 'projectIds.1', message: 'no project with this id' }]);
    expectError(await get(official, `/api/v1/briefings/preview.pdf?projectIds=${apple.id},${apple.id}`), 400, 'VALIDATION');
    expectError(await get(official, '/api/v1/briefings/preview.pdf?projectIds=not-a-uuid'), 400, 'VALIDATION');
    // Between seasons (after the cherries, before the apples) no county-wide project runs.
    t.clock.set('2026-07-01T04:00:00Z');
    try {
      const none = await get(official, '/api/v1/briefings/preview.pdf');
      expectError(none, 400, 'VALIDATION');
      expect(none.body.error.issues[0].path).toBe('projectIds');
    } finally {
      t.clock.set('2026-11-29T04:00:00Z');
    }
  });

  it('answers 404 for an unknown briefing and 400 for a malformed id', async () => {
    expectError(await get(official, `/api/v1/briefings/${randomUUID()}.pdf`), 404, 'NOT_FOUND');
    expectError(await get(official, '/api/v1/briefings/nonsense.pdf'), 400, 'VALIDATION');
  });
});
