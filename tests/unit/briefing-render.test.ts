import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildBriefingModel } from '../../server/domain/briefings/build-briefing-model.ts';
import { renderProgressChart } from '../../server/render/charts.ts';
import { renderBriefingPdf } from '../../server/render/render-briefing-pdf.ts';
import { fullSeasonSource } from '../bench/briefing-render.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the briefing model', () => {
  const model = buildBriefingModel(fullSeasonSource('zh'));
  const [county, town] = model.projects;

  it('ranks towns by how far ahead of their pace they are, with flags that follow the rule', () => {
    expect(county.towns.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const ofPace = county.towns.map((r) => r.percentOfPace!);
    expect(ofPace).toEqual([...ofPace].sort((a, b) => b - a));
    for (const r of county.towns) expect(r.flag).toBe(r.percentOfPace! >= 100 ? 'blue' : r.percentOfPace! >= 80 ? 'yellow' : 'red');
    expect(new Set(county.towns.map((r) => r.flag))).toEqual(new Set(['blue', 'yellow', 'red']));
    const allocated = county.towns.reduce((s, r) => s + r.allocatedTarget, 0);
    expect(Math.abs(allocated - county.figures.target)).toBeLessThanOrEqual(12);
    expect(town.towns).toHaveLength(1);
    expect(town.towns[0]).toMatchObject({ name: '东里镇', allocatedTarget: 1_000_000 });
  });

  it('keeps carriers in the reference order officials expect, and stock of the reported products only', () => {
    expect(county.carriers.map((c) => c.code)).toEqual(['ems', 'sf', 'jd', 'zto', 'yto', 'sto', 'yunda', 'jt', 'deppon']);
    expect(model.stock.rows.every((r) => r.productName === '沂源苹果')).toBe(true);
    const noApples = buildBriefingModel({ ...fullSeasonSource('zh'), stock: [{ ...fullSeasonSource().stock[0], productCode: 'cherry' }] });
    expect(noApples.stock.rows).toEqual([]);
  });

  it('writes a headline from the figures unless the official gives one', () => {
    expect(model.headline).toMatch(/^全县沂源苹果快递累计揽收\d+(\.\d)?万件，完成目标任务的\d+\.\d%，(超|落后)序时进度\d+\.\d个百分点；/);
    const src = fullSeasonSource('zh');
    expect(buildBriefingModel({ ...src, text: { ...src.text, headline: '苹果快递揽收持续向好' } }).headline).toBe('苹果快递揽收持续向好');
    expect(model.cutOffLabel).toBe('数据截至2027年4月30日12:00');
    expect(model.issueDate).toBe('2027-04-30');
  });

  it('is the same for the same source', () => {
    expect(JSON.stringify(buildBriefingModel(fullSeasonSource('en')))).toBe(JSON.stringify(buildBriefingModel(fullSeasonSource('en'))));
  });
});

describe('rendering', () => {
  it('gives the same bytes for the same model, whenever it is rendered', async () => {
    const model = buildBriefingModel(fullSeasonSource('zh'));
    const [a, b] = [await renderBriefingPdf(model), await renderBriefingPdf(model)];
    expect(sha(a)).toBe(sha(b));
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.length).toBeLessThan(300_000);
  });

  it('draws charts as repeatable opaque RGB PNGs', () => {
    const p = buildBriefingModel(fullSeasonSource('zh')).projects[0];
    const input = {
      lang: 'zh' as const,
      startsOn: p.startsOn,
      endsOn: p.endsOn,
      targetParcels: p.figures.target,
      daily: p.daily,
      cutOffDate: '2027-04-30',
      widthPt: 442,
      heightPt: 180,
    };
    const png = renderProgressChart(input);
    expect(sha(renderProgressChart(input))).toBe(sha(png));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([1105, 450, 8, 2]);
    // The rows inflate to exactly height × (1 filter byte + 3 bytes a pixel).
    const idat = png.indexOf('IDAT', 0, 'latin1');
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    expect(raw.length).toBe(450 * (1 + 1105 * 3));
  });
});
