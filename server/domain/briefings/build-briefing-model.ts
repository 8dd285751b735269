import type { StockView } from '../../contracts/ledger.ts';
import type { ProgressView, ProjectView } from '../../contracts/projects.ts';
import type { Reference } from '../reference/load-reference.ts';
import { businessDate } from '../../rules/time.ts';
import { inProjectPeriod } from '../ledger/counting.ts';
import type { BriefingFigures, BriefingModel, BriefingProject, StockRow } from '../../render/briefing-model.ts';
import { buildCoverageSection, type CoverageSource } from './coverage-section.ts';
import { formatCutOff, formatDate, formatParcels, formatParcelsShort, formatPercent, formatPoints, round, type Lang } from '../../render/format.ts';
import { flagFor, flagRuleNote, percentOfPace, townPaces } from '../../rules/town-flags.ts';

// The briefing as data: everything the PDF shows, already chosen, ordered and worded for
// one language, but with figures still as numbers so the renderer formats cells its own way.
// Pure: the same source gives the same model, which is what makes re-rendering stable.

export type BriefingText = {
  title?: string;
  issuingUnit?: string;
  headline?: string;
  /** What the official writes when issuing; null in a preview that has none yet. */
  problems: string | null;
  nextSteps: string | null;
  recipients: { bao?: string; song?: string; fa?: string };
  copies?: number | null;
};

export type BriefingSource = {
  lang: Lang;
  cutOff: Date;
  issue: { year: number; number: number; preview: boolean };
  reference: Pick<Reference, 'towns' | 'carriers' | 'products'>;
  projects: readonly { project: ProjectView; progress: ProgressView }[];
  stock: readonly StockView[];
  /** Village coverage on the business date of the cut-off. */
  coverage: CoverageSource;
  text: BriefingText;
};

export const DEFAULT_TITLE: Record<Lang, string> = {
  zh: '沂源县快递进村工程简报',
  en: 'Yiyuan County Express-to-Villages Briefing',
};
export const DEFAULT_ISSUING_UNIT: Record<Lang, string> = {
  zh: '沂源县快递进村工作领导小组办公室',
  en: 'Office of the Yiyuan County Express-to-Villages Leading Group',
};

const TIERS: Record<string, Record<Lang, string>> = {
  gold: { zh: '金牌项目', en: 'gold project' },
  silver: { zh: '银牌项目', en: 'silver project' },
  bronze: { zh: '百万件级项目', en: 'million-parcel project' },
};
const STORAGE_KINDS: Record<string, Record<Lang, string>> = {
  cold: { zh: '冷藏库', en: 'cold store' },
  ca: { zh: '气调库', en: 'CA store' },
  ambient: { zh: '常温库', en: 'ambient' },
};

const share = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : null);

export function buildBriefingModel(src: BriefingSource): BriefingModel {
  const { lang, reference } = src;
  const townByCode = new Map(reference.towns.map((t) => [t.code, t]));
  const carrierByCode = new Map(reference.carriers.map((c) => [c.code, c]));
  const productByCode = new Map(reference.products.map((p) => [p.code, p]));
  const today = businessDate(src.cutOff);
  const townName = (code: string) => {
    const t = townByCode.get(code);
    return t ? (lang === 'zh' ? t.name : t.nameEn) : code;
  };

  const projects = src.projects.map(({ project, progress }): BriefingProject => {
    const product = productByCode.get(project.productCode);
    const productName = product ? (lang === 'zh' ? product.name : product.nameEn) : project.productCode;
    const status: BriefingProject['status'] = today < project.startsOn ? 'not-started' : today > project.endsOn ? 'ended' : 'running';
    const figures: BriefingFigures = {
      target: progress.targetParcels,
      counted: progress.countedParcels,
      confirmed: progress.confirmedParcels,
      provisional: progress.provisionalParcels,
      percent: progress.percent,
      elapsedPercent: progress.elapsedPercent,
      paceParcels: progress.totalDays > 0 ? Math.round((progress.targetParcels * progress.elapsedDays) / progress.totalDays) : 0,
      aheadPoints: round(progress.percent - progress.elapsedPercent, 2),
      elapsedDays: progress.elapsedDays,
      totalDays: progress.totalDays,
      dailyRateSoFar: progress.dailyRateSoFar,
      requiredDailyRate: progress.requiredDailyRate,
      projected: progress.projectedParcels,
    };

    const paces = townPaces({
      targetParcels: project.targetParcels,
      elapsedDays: progress.elapsedDays,
      totalDays: progress.totalDays,
      projectTownCode: project.townCode,
      towns: reference.towns,
    });
    const towns = progress.byTown
      .map((t) => {
        const pace = paces.get(t.townCode) ?? { allocatedTarget: 0, expectedToDate: 0 };
        const ofPace = percentOfPace(t.counted, pace.expectedToDate);
        return {
          rank: 0,
          code: t.townCode,
          name: townName(t.townCode),
          counted: t.counted,
          confirmed: t.confirmed,
          provisional: t.provisional,
          sharePercent: share(t.counted, progress.countedParcels),
          allocatedTarget: Math.round(pace.allocatedTarget),
          completionPercent: share(t.counted, pace.allocatedTarget),
          percentOfPace: ofPace,
          flag: flagFor(ofPace),
        };
      })
      // A ranking: furthest ahead of its pace first; ties (and "no pace yet") by town code.
      .sort((a, b) => (b.percentOfPace ?? -1) - (a.percentOfPace ?? -1) || b.counted - a.counted || a.code.localeCompare(b.code))
      .map((row, i) => ({ ...row, rank: i + 1 }));

    const carriers = progress.byCarrier.map((c) => {
      const ref = carrierByCode.get(c.carrierCode);
      return {
        code: c.carrierCode,
        name: ref ? (lang === 'zh' ? ref.name : ref.nameEn) : c.carrierCode,
        counted: c.counted,
        confirmed: c.confirmed,
        provisional: c.provisional,
        sharePercent: share(c.counted, progress.countedParcels),
      };
    });

    const name = lang === 'zh' ? project.name : (project.nameEn ?? project.name);
    const base: Omit<BriefingProject, 'summary'> = {
      id: project.id,
      code: project.code,
      name,
      productCode: project.productCode,
      productName,
      tierLabel: TIERS[project.tier]?.[lang] ?? project.tier,
      scopeLabel: project.townCode ? townName(project.townCode) : lang === 'zh' ? '全县' : 'County-wide',
      isTownProject: project.townCode !== null,
      startsOn: project.startsOn,
      endsOn: project.endsOn,
      status,
      figures,
      daily: progress.daily.filter((d) => inProjectPeriod(project, d.date) && d.date <= today),
      towns,
      carriers,
    };
    return { ...base, summary: projectSummary(base, lang, src.cutOff) };
  });

  const productCodes = new Set(src.projects.map((p) => p.project.productCode));
  const stockRows: StockRow[] = src.stock
    .filter((s) => productCodes.has(s.productCode) && s.weightKg > 0)
    .map((s) => {
      const product = productByCode.get(s.productCode);
      return {
        facilityName: s.facilityName,
        townName: townName(s.townCode),
        kind: STORAGE_KINDS[s.kind]?.[lang] ?? s.kind,
        productName: product ? (lang === 'zh' ? product.name : product.nameEn) : s.productCode,
        weightKg: s.weightKg,
        capacityKg: s.capacityKg,
        utilisationPercent: s.capacityKg ? (s.weightKg / s.capacityKg) * 100 : null,
      };
    });

  const productNames = [...productCodes].sort().map((code) => {
    const p = productByCode.get(code);
    return p ? (lang === 'zh' ? p.name : p.nameEn) : code;
  });

  return {
    lang,
    title: src.text.title ?? DEFAULT_TITLE[lang],
    issuingUnit: src.text.issuingUnit ?? DEFAULT_ISSUING_UNIT[lang],
    issue: { ...src.issue },
    issueDate: today,
    cutOffAt: src.cutOff.toISOString(),
    cutOffLabel: formatCutOff(src.cutOff, lang),
    headline: src.text.headline ?? defaultHeadline(projects, lang),
    projects,
    stock: { productNames, rows: stockRows, totalKg: stockRows.reduce((sum, r) => sum + r.weightKg, 0) },
    coverage: buildCoverageSection(src.coverage, lang, reference.towns),
    problems: src.text.problems,
    nextSteps: src.text.nextSteps,
    recipients: { bao: src.text.recipients.bao ?? null, song: src.text.recipients.song ?? null, fa: src.text.recipients.fa ?? null },
    copies: src.text.copies ?? null,
    flagRule: flagRuleNote(lang),
    notes: notes(lang, src.cutOff),
  };
}

function paceClause(points: number, lang: Lang): string {
  // Within a twentieth of a point the two are level as printed.
  if (Math.abs(points) < 0.05) return lang === 'zh' ? '与序时进度持平' : 'level with the time-elapsed pace';
  return lang === 'zh'
    ? `${points > 0 ? '超' : '落后'}序时进度${formatPoints(points, lang)}`
    : `${formatPoints(points, lang)} ${points > 0 ? 'ahead of' : 'behind'} the time-elapsed pace`;
}

function defaultHeadline(projects: BriefingProject[], lang: Lang): string {
  const running = projects.filter((p) => p.status !== 'not-started');
  if (!running.length) return lang === 'zh' ? '所选项目尚未进入统计期。' : 'The selected projects have not started yet.';
  const parts = running.map((p) => {
    const f = p.figures;
    const who = p.isTownProject ? p.name : lang === 'zh' ? `全县${p.productName}快递` : `County-wide ${p.productName} parcels`;
    return lang === 'zh'
      ? `${who}累计揽收${formatParcels(f.counted, lang)}，完成目标任务的${formatPercent(f.percent)}，${paceClause(f.aheadPoints, lang)}`
      : `${who}: ${formatParcelsShort(f.counted, lang)} (${formatPercent(f.percent)} of target), ${paceClause(f.aheadPoints, lang)}`;
  });
  return lang === 'zh' ? `${parts.join('；')}。` : `${parts.join('; ')}.`;
}

function projectSummary(p: Omit<BriefingProject, 'summary'>, lang: Lang, cutOff: Date): string {
  const f = p.figures;
  const fp = (n: number) => formatParcels(n, lang);
  const asOf = formatCutOff(cutOff, lang)
    .replace(/^数据截至/, '截至')
    .replace(/^Data as of/, 'As of');
  if (p.status === 'not-started')
    return lang === 'zh'
      ? `统计期自${formatDate(p.startsOn, lang)}开始，尚未开始计数；目标任务${fp(f.target)}。`
      : `The counting period starts on ${formatDate(p.startsOn, lang)}; target ${fp(f.target)}.`;
  if (lang === 'zh') {
    const rates =
      f.requiredDailyRate === null
        ? `统计期已于${formatDate(p.endsOn, lang)}结束，期内日均揽收${fp(f.dailyRateSoFar)}。`
        : `统计期${f.totalDays}天，已过${f.elapsedDays}天；日均揽收${fp(f.dailyRateSoFar)}，完成目标尚需日均${fp(f.requiredDailyRate)}，按当前日均测算全期可达${fp(f.projected)}。`;
    return (
      `${asOf}，累计揽收${fp(f.counted)}，完成目标任务（${fp(f.target)}）的${formatPercent(f.percent)}；` +
      `序时进度${formatPercent(f.elapsedPercent)}（应完成${fp(f.paceParcels)}），${paceClause(f.aheadPoints, lang)}。` +
      `其中快递企业已报送确认${fp(f.confirmed)}，合作社登记暂计${fp(f.provisional)}。${rates}`
    );
  }
  const rates =
    f.requiredDailyRate === null
      ? `The period ended on ${formatDate(p.endsOn, lang)}; the daily average was ${fp(f.dailyRateSoFar)}.`
      : `Day ${f.elapsedDays} of ${f.totalDays}: ${fp(f.dailyRateSoFar)} a day so far, ${fp(f.requiredDailyRate)} a day still needed; at the current rate the period would end at ${fp(f.projected)}.`;
  return (
    `${asOf}, ${fp(f.counted)} counted: ${formatPercent(f.percent)} of the ${fp(f.target)} target. ` +
    `Time elapsed ${formatPercent(f.elapsedPercent)} (pace: ${fp(f.paceParcels)}), ${paceClause(f.aheadPoints, lang)}. ` +
    `Confirmed by carriers ${fp(f.confirmed)}; provisional (logged by cooperatives) ${fp(f.provisional)}. ${rates}`
  );
}

function notes(lang: Lang, cutOff: Date): string[] {
  if (lang === 'zh')
    return [
      '统计口径：按快递企业揽收量计。同一日、同一镇（街道）、同一快递企业、同一产品，快递企业已报送的按报送数计（确认数），未报送的按合作社登记的揽收数计（暂计数），二者不重复计算。',
      '序时进度＝统计期已过天数（含当日）÷统计期总天数；尚需日均＝（目标任务－累计揽收）÷剩余天数。',
      `${formatCutOff(cutOff, lang)}（北京时间），数据来源：果运快递进村工作台账系统。`,
    ];
  return [
    "What counts: parcels picked up by carriers. For each day, town, carrier and product, the carrier's reported figure counts once it has reported (confirmed); until then the pickups logged by cooperatives count (provisional). A cell never counts both.",
    'Time-elapsed pace = days of the period elapsed (today included) ÷ days in the period; rate needed = (target − counted) ÷ days remaining.',
    `${formatCutOff(cutOff, lang)}. Source: the Guoyun tracker.`,
  ];
}
