import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CoverageView } from '../../server/contracts/network.ts';
import { buildBriefingModel } from '../../server/domain/briefings/build-briefing-model.ts';
import { buildCoverageSection, villagesShort } from '../../server/domain/briefings/coverage-section.ts';
import type { BriefingCoverage } from '../../server/render/briefing-model.ts';
import { formatDeadline, formatList, formatTargetRate, formatVillageShare } from '../../server/render/format.ts';
import { renderBriefingPdf } from '../../server/render/render-briefing-pdf.ts';
import { benchReference, fullSeasonSource, syntheticCoverage } from '../bench/briefing-render.ts';

const towns = benchReference().towns;
const reported = (c: BriefingCoverage) => {
  if (c.state !== 'reported') throw new Error(`expected figures, got ${c.state}`);
  return c;
};

/** The network as the coverage verb reports it before anything is entered: every town on its reference count. */
function emptyView(date = '2026-11-29'): CoverageView {
  const byTown = towns.map((t) => ({
    townCode: t.code,
    townName: t.name,
    referenceVillageCount: t.villageCount,
    importedVillages: 0,
    communitiesExcluded: 0,
    denominator: t.villageCount,
    denominatorSource: 'reference' as const,
    covered: 0,
    coveredByProxy: 0,
    uncovered: 0,
    noData: t.villageCount,
    rate: 0,
    rateWithProxy: 0,
    label: `0 / ${t.villageCount} 建制村（参考数）`,
    belowTarget: true,
  }));
  const n = byTown.reduce((s, t) => s + t.denominator, 0);
  return {
    date,
    brand: null,
    county: {
      denominator: n,
      denominatorSource: 'reference',
      covered: 0,
      coveredByProxy: 0,
      uncovered: 0,
      noData: n,
      rate: 0,
      rateWithProxy: 0,
      label: `0 / ${n} 建制村（参考数）`,
      communitiesExcluded: 0,
    },
    byTown,
    network: { countyHubsOpen: 0, townsWithNode: 0, townsWithoutNode: towns.map((t) => t.code) },
    targets: [
      { by: '2020-12-31', rate: 0.8, countsProxy: true, label: null, achieved: 0, status: 'missed' },
      { by: '2021-12-31', rate: 1, countsProxy: true, label: null, achieved: 0, status: 'missed' },
    ],
    noDataVillages: [],
    townsWithoutVillages: towns.map((t) => t.code),
    byBrand: [],
  };
}

describe('coverage figures as printed', () => {
  it('give villages as numerator over denominator', () => {
    expect(formatVillageShare(587, 614, 'zh')).toBe('587 / 614 建制村');
    expect(formatVillageShare(587, 614, 'en')).toBe('587 / 614 villages');
  });

  it('write targets as they were set, due at the end of a year or on a day', () => {
    expect(formatTargetRate(0.8)).toBe('80%');
    expect(formatTargetRate(1)).toBe('100%');
    expect(formatTargetRate(0.955)).toBe('95.5%');
    expect(formatDeadline('2020-12-31', 'zh')).toBe('2020年底');
    expect(formatDeadline('2020-12-31', 'en')).toBe('by the end of 2020');
    expect(formatDeadline('2021-06-30', 'zh')).toBe('2021年6月30日前');
    expect(formatDeadline('2021-06-30', 'en')).toBe('by 30 Jun 2021');
  });

  it('list names the way each language does', () => {
    expect(formatList(['燕崖镇', '石桥镇', '南鲁山镇'], 'zh')).toBe('燕崖镇、石桥镇、南鲁山镇');
    expect(formatList(['Yanya Town'], 'en')).toBe('Yanya Town');
    expect(formatList(['A', 'B', 'C'], 'en')).toBe('A, B and C');
  });

  it('count the villages a target still needs on the exact fraction', () => {
    expect(villagesShort(1, 603, 614)).toBe(11);
    expect(villagesShort(0.8, 491, 614)).toBe(1); // 0.8 × 614 = 491.2
    expect(villagesShort(0.8, 492, 614)).toBe(0);
    expect(villagesShort(0.8, 800, 1000)).toBe(0);
    expect(villagesShort(0.8, 799, 1000)).toBe(1);
  });
});

describe('the coverage section', () => {
  const view = syntheticCoverage('2027-04-30');
  const zh = reported(buildCoverageSection({ view, servicePointsOnRecord: 640 }, 'zh', towns));
  const c = view.county;

  it('states the county as numerator / denominator and rate, proxies and gaps apart, and the upper tiers', () => {
    expect(zh.summary).toBe(
      `截至2027年4月30日，全县已通快递${c.covered} / ${c.denominator} 建制村，覆盖率${((c.covered / c.denominator) * 100).toFixed(1)}%；` +
        `另有${c.coveredByProxy}个建制村由村民代办收投，含代办覆盖率${(((c.covered + c.coveredByProxy) / c.denominator) * 100).toFixed(1)}%；` +
        `未通快递${c.uncovered}个，无数据${c.noData}个。城市社区${c.communitiesExcluded}个不计入。县级快递物流中心2个运行，12个镇（街道）均已建成镇级快递服务节点。`,
    );
    expect(zh.county).toMatchObject({ name: '全县合计', covered: c.covered, denominator: c.denominator, referenceOnly: false });
    expect(zh.towns.map((r) => r.name)).toEqual(towns.map((t) => t.name));
    expect(zh.towns.every((r) => r.covered + r.coveredByProxy + r.uncovered + r.noData === r.denominator)).toBe(true);
  });

  it('gives each target its status, with where the county stands and what is still missing', () => {
    const short = c.denominator - c.covered - c.coveredByProxy;
    expect(zh.targets.map((t) => t.status)).toEqual(['met', 'missed']);
    expect(zh.targets[0]).toMatchObject({ label: '2020年底覆盖率80%目标', statusText: '已完成' });
    expect(zh.targets[0].detail).toMatch(/^现含村民代办覆盖率\d+\.\d%$/);
    expect(zh.targets[1]).toMatchObject({ label: '2021年底覆盖率100%目标', statusText: '未完成' });
    expect(zh.targets[1].detail).toMatch(new RegExp(`，尚差${short}个建制村$`));
    const open = reported(
      buildCoverageSection(
        {
          view: { ...view, targets: [{ by: '2027-12-31', rate: 1, countsProxy: false, label: null, achieved: 0.9, status: 'open' }] },
          servicePointsOnRecord: 640,
        },
        'en',
        towns,
      ),
    );
    expect(open.targets).toEqual([
      {
        status: 'open',
        label: '100% coverage by the end of 2027',
        statusText: 'not yet met',
        detail: `now ${((c.covered / c.denominator) * 100).toFixed(1)}%; ${c.denominator - c.covered} villages to go`,
      },
    ]);
  });

  it('names a few villages with no data, town by town, and only counts many', () => {
    expect(view.noDataVillages).toHaveLength(7);
    expect(zh.noDataNote).toBe(
      '无数据的建制村（7个，未录入服务站点且未经核实）：鲁村镇石门村；悦庄镇石门村；中庄镇石门村；张家坡镇石门村；石桥镇石门村；南鲁山镇石门村、柳沟村。',
    );
    const many = { ...view, noDataVillages: Array.from({ length: 11 }, (_, i) => ({ ...view.noDataVillages[0], id: String(i) })) };
    expect(reported(buildCoverageSection({ view: many, servicePointsOnRecord: 640 }, 'zh', towns)).noDataNote).toBe(
      '无数据的建制村11个（未录入服务站点且未经核实），分镇（街道）数见上表。',
    );
    expect(reported(buildCoverageSection({ view: many, servicePointsOnRecord: 640 }, 'en', towns)).noDataNote).toBe(
      '11 villages have no data (no service point on record, not surveyed); see the table for each town.',
    );
  });

  it('marks a town without villages on record, and prints no rate for it', () => {
    const yanya = '370323109';
    const ref = {
      ...view.byTown.find((t) => t.townCode === yanya)!,
      importedVillages: 0,
      denominatorSource: 'reference' as const,
      denominator: 30,
      covered: 0,
      coveredByProxy: 0,
      uncovered: 0,
      noData: 30,
    };
    const mixed = { ...view, county: { ...c, denominatorSource: 'mixed' as const }, byTown: view.byTown.map((t) => (t.townCode === yanya ? ref : t)) };
    const section = reported(buildCoverageSection({ view: mixed, servicePointsOnRecord: 640 }, 'zh', towns));
    expect(section.towns.find((r) => r.code === yanya)).toMatchObject({ referenceOnly: true, ratePercent: null, rateWithProxyPercent: null, noData: 30 });
    expect(section.referenceNote).toBe('* 燕崖镇尚未录入建制村名录，按参考村（居）数30个计入分母，均计为无数据。');
    expect(section.summary).toContain('建制村（部分为参考数），覆盖率');
    expect(section.noDataNote).toContain('不含按参考数计的镇（街道）');
  });

  it('says the data has not been entered, instead of printing zeros, when there are no villages or no service points', () => {
    const none = buildCoverageSection({ view: emptyView(), servicePointsOnRecord: 0 }, 'zh', towns);
    expect(none).toEqual({
      state: 'not-entered',
      date: '2026-11-29',
      summary:
        '截至2026年11月29日，快递进村覆盖数据尚未录入（系统中尚无建制村名录和快递服务站点记录），暂不能统计建制村快递服务覆盖率。已设定的覆盖率目标为2020年底达到80%、2021年底达到100%，数据录入后报告完成情况。',
    });
    expect(buildCoverageSection({ view: emptyView(), servicePointsOnRecord: 3 }, 'en', towns)).toMatchObject({
      state: 'not-entered',
      summary: expect.stringContaining('village coverage data has not been entered yet (3 service points are on record, but no villages)'),
    });
    // Villages but no service points: every village would count as "no data", which is no figure either.
    const villagesOnly = buildCoverageSection({ view: { ...view, targets: [] }, servicePointsOnRecord: 0 }, 'zh', towns);
    expect(villagesOnly.state).toBe('not-entered');
    expect(villagesOnly.summary).toBe(
      `截至2027年4月30日，快递进村覆盖数据尚未录入（已录入村（居）${view.byTown.reduce((n, t) => n + t.importedVillages, 0)}个，尚未录入快递服务站点），暂不能统计建制村快递服务覆盖率。`,
    );
  });
});

describe('a briefing with the coverage section', () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('is in the model in both languages, and renders to the same bytes every time, also with no data entered', async () => {
    expect(buildBriefingModel(fullSeasonSource('zh')).coverage.state).toBe('reported');
    expect(reported(buildBriefingModel(fullSeasonSource('en')).coverage).county.name).toBe('County');
    const src = { ...fullSeasonSource('zh'), coverage: { view: emptyView('2027-04-30'), servicePointsOnRecord: 0 } };
    const model = buildBriefingModel(src);
    expect(model.coverage.state).toBe('not-entered');
    const [a, b] = [await renderBriefingPdf(model), await renderBriefingPdf(buildBriefingModel(src))];
    expect(sha(a)).toBe(sha(b));
  });
});
