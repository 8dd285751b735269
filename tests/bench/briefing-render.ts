// Briefing rendering at its heaviest: a whole apple season of daily figures, every town and
// every carrier, a county project and a town project (two charts), built straight into a
// model without a database. Run alone with `npx tsx tests/bench/briefing-render.ts`.
import { pathToFileURL } from 'node:url';
import type { CoverageView } from '../../server/contracts/network.ts';
import type { ProductView } from '../../server/contracts/reference.ts';
import type { ProgressView, ProjectView } from '../../server/contracts/projects.ts';
import type { StockView } from '../../server/contracts/ledger.ts';
import { referenceData, seasonWindow } from '../../db/seed/reference-data.ts';
import { seededRandom } from '../../server/domain/demo/random.ts';
import { pacing } from '../../server/domain/projects/pacing.ts';
import { buildBriefingModel, type BriefingSource } from '../../server/domain/briefings/build-briefing-model.ts';
import type { BriefingModel } from '../../server/render/briefing-model.ts';
import type { Lang } from '../../server/rules/numbers.ts';
import { businessDate, datesFrom } from '../../server/rules/time.ts';
import { renderBriefingPdf } from '../../server/render/render-briefing-pdf.ts';

const TOWN_WEIGHT = [0.5, 0.6, 1.0, 1.4, 1.1, 1.1, 1.0, 1.2, 1.0, 0.8, 0.8, 1.3];
const CARRIER_SHARE = [0.3, 0.1, 0.06, 0.18, 0.12, 0.06, 0.12, 0.04, 0.02];

export function benchReference(): BriefingSource['reference'] {
  const products: ProductView[] = referenceData.products.map((p) => ({
    code: p.code,
    name: p.name,
    nameEn: p.nameEn,
    tier: p.tier,
    targetParcels: p.targetParcels,
    varieties: p.varieties,
    packages: p.packages,
    season: seasonWindow(p.code),
  }));
  return {
    towns: referenceData.towns.map((t) => ({
      code: t.code,
      name: t.name,
      nameEn: t.nameEn,
      kind: t.kind,
      villageCount: t.villageCount,
      villageCountSourced: t.villageCountSourced,
    })),
    carriers: referenceData.carriers.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn })),
    products,
  };
}

/** Progress of a project with `total` parcels spread over every day up to `today`, shaped like a season. */
function syntheticProgress(project: ProjectView, today: string, total: number, seed: number): ProgressView {
  const rand = seededRandom(seed);
  const reference = benchReference();
  const dates = datesFrom(project.startsOn, today < project.endsOn ? today : project.endsOn);
  const weights = dates.map((d, i) => {
    const double11 = d.slice(5) >= '11-09' && d.slice(5) <= '11-12' ? 2.5 : 1;
    const gifts = d.slice(5) >= '01-10' && d.slice(5) <= '02-05' ? 1.6 : 1;
    return (0.4 + Math.sin((i / dates.length) * Math.PI) ** 2) * double11 * gifts * (0.75 + rand() * 0.5);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  const daily = dates.map((date, i) => {
    const counted = Math.round((total * weights[i]) / sum);
    cumulative += counted;
    return { date, counted, cumulative };
  });
  const counted = cumulative;
  const split = (n: number, provisionalShare: number) => {
    const provisional = Math.round(n * provisionalShare);
    return { counted: n, confirmed: n - provisional, provisional };
  };
  const towns = project.townCode ? reference.towns.filter((t) => t.code === project.townCode) : reference.towns;
  const townWeights = project.townCode ? [1] : TOWN_WEIGHT;
  const townSum = townWeights.reduce((a, b) => a + b, 0);
  return {
    projectId: project.id,
    targetParcels: project.targetParcels,
    countedParcels: counted,
    confirmedParcels: counted - Math.round(counted * 0.03),
    provisionalParcels: Math.round(counted * 0.03),
    ...pacing({ targetParcels: project.targetParcels, startsOn: project.startsOn, endsOn: project.endsOn, today, counted }),
    asOf: `${today}T04:00:00.000Z`,
    byTown: towns.map((t, i) => ({ townCode: t.code, ...split(Math.round((counted * townWeights[i]) / townSum), 0.01 + rand() * 0.05) })),
    byCarrier: reference.carriers.map((c, i) => ({ carrierCode: c.code, ...split(Math.round(counted * CARRIER_SHARE[i]), 0.01 + rand() * 0.05) })),
    daily,
  };
}

/**
 * Village coverage as the network domain would report it for `date`: every town's villages on
 * record (a community at each town seat, more in the two subdistricts), most served, some by
 * villager proxy only, a few unserved or with no data (seven of them, so they are named).
 */
export function syntheticCoverage(date: string, seed = 13): CoverageView {
  const rand = seededRandom(seed);
  const reference = benchReference();
  const communities = (code: string) => (code === '370323001' ? 8 : code === '370323002' ? 10 : 1);
  const noDataTowns = new Set(['370323102', '370323104', '370323107', '370323108', '370323110', '370323111']);
  const noDataVillages: CoverageView['noDataVillages'] = [];
  const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
  const byTown = reference.towns.map((t, i) => {
    const excluded = communities(t.code);
    const denominator = t.villageCount - excluded;
    const noData = noDataTowns.has(t.code) ? (t.code === '370323111' ? 2 : 1) : 0;
    const uncovered = t.code === '370323111' || t.code === '370323108' ? 1 : 0;
    const coveredByProxy = t.kind === 'subdistrict' ? 0 : Math.round(denominator * rand() * 0.1);
    const covered = denominator - noData - uncovered - coveredByProxy;
    for (let k = 0; k < noData; k++)
      noDataVillages.push({
        id: `00000000-0000-4000-8000-${String(i * 10 + k).padStart(12, '0')}`,
        code: `${t.code}${260 + k}`,
        name: `${['石门', '柳沟', '龙泉'][k]}村`,
        townCode: t.code,
      });
    return {
      townCode: t.code,
      townName: t.name,
      referenceVillageCount: t.villageCount,
      importedVillages: t.villageCount,
      communitiesExcluded: excluded,
      denominator,
      denominatorSource: 'villages' as const,
      covered,
      coveredByProxy,
      uncovered,
      noData,
      rate: rate(covered, denominator),
      rateWithProxy: rate(covered + coveredByProxy, denominator),
      label: `${covered} / ${denominator} 建制村`,
      belowTarget: covered + coveredByProxy < denominator,
    };
  });
  const sum = (k: 'denominator' | 'covered' | 'coveredByProxy' | 'uncovered' | 'noData' | 'communitiesExcluded') => byTown.reduce((n, t) => n + t[k], 0);
  const county = {
    denominator: sum('denominator'),
    denominatorSource: 'villages' as const,
    covered: sum('covered'),
    coveredByProxy: sum('coveredByProxy'),
    uncovered: sum('uncovered'),
    noData: sum('noData'),
    communitiesExcluded: sum('communitiesExcluded'),
  };
  const targets = [
    { by: '2020-12-31', rate: 0.8 },
    { by: '2021-12-31', rate: 1 },
  ].map((t) => {
    const numerator = county.covered + county.coveredByProxy;
    const met = numerator >= t.rate * county.denominator - 1e-9;
    return {
      ...t,
      countsProxy: true,
      label: null,
      achieved: rate(numerator, county.denominator),
      status: met ? ('met' as const) : date > t.by ? ('missed' as const) : ('open' as const),
    };
  });
  return {
    date,
    brand: null,
    county: {
      ...county,
      rate: rate(county.covered, county.denominator),
      rateWithProxy: rate(county.covered + county.coveredByProxy, county.denominator),
      label: `${county.covered} / ${county.denominator} 建制村`,
    },
    byTown,
    network: { countyHubsOpen: 2, townsWithNode: reference.towns.length, townsWithoutNode: [] },
    targets,
    noDataVillages,
    townsWithoutVillages: [],
    byBrand: [],
  };
}

/** A full apple season (cut-off on its last day) with a county and a town project. */
export function fullSeasonSource(lang: Lang = 'zh', cutOff = new Date('2027-04-30T04:00:00Z')): BriefingSource {
  const today = businessDate(cutOff);
  const base = { productCode: 'apple', startsOn: '2026-08-20', endsOn: '2027-04-30', createdAt: '2026-08-01T00:00:00.000Z' };
  const county: ProjectView = {
    ...base,
    id: '7d4c1f0e-0000-4000-8000-000000000001',
    code: 'apple-2026',
    name: '沂源苹果快递金牌项目（2026—2027产季）',
    nameEn: 'Yiyuan apple express gold project, 2026–2027 season',
    tier: 'gold',
    targetParcels: 10_000_000,
    townCode: null,
  };
  const town: ProjectView = {
    ...base,
    id: '7d4c1f0e-0000-4000-8000-000000000002',
    code: 'dongli-apple-2026',
    name: '东里镇苹果百万件项目（2026—2027）',
    nameEn: 'Dongli apple million-parcel project, 2026–2027',
    tier: 'bronze',
    targetParcels: 1_000_000,
    townCode: '370323103',
  };
  const stock: StockView[] = [
    { facilityId: 'f1', facilityName: '东里镇果品气调库', townCode: '370323103', kind: 'ca', capacityKg: 3_000_000, productCode: 'apple', weightKg: 1_234_500 },
    { facilityId: 'f2', facilityName: '南鲁山镇冷藏库', townCode: '370323111', kind: 'cold', capacityKg: 2_000_000, productCode: 'apple', weightKg: 612_000 },
    {
      facilityId: 'f3',
      facilityName: '中庄镇冷链物流中心',
      townCode: '370323107',
      kind: 'cold',
      capacityKg: 2_500_000,
      productCode: 'apple',
      weightKg: 1_870_250,
    },
  ];
  return {
    lang,
    cutOff,
    issue: { year: Number(today.slice(0, 4)), number: 12, preview: false },
    reference: benchReference(),
    projects: [
      { project: county, progress: syntheticProgress(county, today, 9_730_000, 11) },
      { project: town, progress: syntheticProgress(town, today, 1_046_000, 12) },
    ],
    stock,
    coverage: { view: syntheticCoverage(today), servicePointsOnRecord: 640 },
    text: {
      problems: '一是部分镇（街道）合作社登记与快递企业报送数据差异较大，需尽快核对。\n二是冷库出库节奏偏慢，春节前礼品果集中发运压力较大。',
      nextSteps: '一是督促各快递企业每日按时报送揽收数据。\n二是对标识为红色的镇（街道）开展专项督导。\n三是协调冷链运力，保障节前发运。',
      recipients: { bao: '县委、县政府主要领导，分管领导', song: '县委办、县政府办，市邮政管理局', fa: '各镇（街道），县直有关部门，各快递企业' },
      copies: 60,
    },
  };
}

export function fullSeasonModel(lang: Lang = 'zh'): BriefingModel {
  return buildBriefingModel(fullSeasonSource(lang));
}

const countPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

export async function benchBriefingRender(): Promise<{ ms: number; peakRssMb: number; pages: number; bytes: number }> {
  const runs = 7;
  const times: number[] = [];
  let last: Buffer = Buffer.alloc(0);
  // The first render pays for reading the fonts and warming up; it is measured but dropped.
  await renderBriefingPdf(fullSeasonModel());
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    // The model is rebuilt each time: building it is part of what an issue costs.
    last = await renderBriefingPdf(fullSeasonModel());
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    ms: Math.round(times[Math.floor(times.length / 2)]),
    // maxRSS is the process's high-water mark (kB), so it covers every render above.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    pages: countPages(last),
    bytes: last.length,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchBriefingRender();
  console.log(`briefing render: median ${r.ms} ms (goal ≤ 1500), peak RSS ${r.peakRssMb} MB, ${r.pages} pages, ${(r.bytes / 1024).toFixed(1)} kB`);
}
