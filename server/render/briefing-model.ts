import type { Lang } from '../rules/numbers.ts';
import type { Flag } from '../rules/town-flags.ts';

// What the renderer is given: a briefing already chosen, ordered and worded for one language
// (server/domain/briefings builds it), with figures still as numbers so the PDF formats its
// cells its own way. The renderer owns this format; the domain fills it in. One way only.

export type BriefingFigures = {
  target: number;
  counted: number;
  confirmed: number;
  provisional: number;
  percent: number;
  elapsedPercent: number;
  /** Parcels the pace line stands at today: target × share of the period elapsed. */
  paceParcels: number;
  /** percent − elapsedPercent: positive means ahead of pace. */
  aheadPoints: number;
  elapsedDays: number;
  totalDays: number;
  dailyRateSoFar: number;
  requiredDailyRate: number | null;
  projected: number;
};

export type TownRow = {
  rank: number;
  code: string;
  name: string;
  counted: number;
  confirmed: number;
  provisional: number;
  sharePercent: number | null;
  allocatedTarget: number;
  completionPercent: number | null;
  percentOfPace: number | null;
  flag: Flag | null;
};

export type CarrierRow = { code: string; name: string; counted: number; confirmed: number; provisional: number; sharePercent: number | null };

export type BriefingProject = {
  id: string;
  code: string;
  name: string;
  productCode: string;
  productName: string;
  tierLabel: string;
  /** "全县" for a county-wide project, else the town's name. */
  scopeLabel: string;
  isTownProject: boolean;
  startsOn: string;
  endsOn: string;
  status: 'not-started' | 'running' | 'ended';
  figures: BriefingFigures;
  summary: string;
  /** One entry per day from the start to the cut-off (or the end): the chart's data. */
  daily: { date: string; counted: number; cumulative: number }[];
  towns: TownRow[];
  carriers: CarrierRow[];
};

export type StockRow = {
  facilityName: string;
  townName: string;
  kind: string;
  productName: string;
  weightKg: number;
  capacityKg: number | null;
  utilisationPercent: number | null;
};

export type BriefingModel = {
  lang: Lang;
  title: string;
  issuingUnit: string;
  issue: { year: number; number: number; preview: boolean };
  /** YYYY-MM-DD in Asia/Shanghai: the date printed in the masthead. */
  issueDate: string;
  cutOffAt: string;
  cutOffLabel: string;
  headline: string;
  projects: BriefingProject[];
  stock: { productNames: string[]; rows: StockRow[]; totalKg: number };
  coverage: BriefingCoverage;
  problems: string | null;
  nextSteps: string | null;
  recipients: { bao: string | null; song: string | null; fa: string | null };
  copies: number | null;
  flagRule: string;
  notes: string[];
};

export type CoverageRow = {
  code: string;
  name: string;
  denominator: number;
  covered: number;
  coveredByProxy: number;
  uncovered: number;
  noData: number;
  /** covered / denominator × 100; null when there is nothing to divide by, or nothing is known. */
  ratePercent: number | null;
  /** (covered + coveredByProxy) / denominator × 100. */
  rateWithProxyPercent: number | null;
  /** No villages on record: the denominator is the reference count of 村/居, every one "no data". */
  referenceOnly: boolean;
};

export type CoverageTargetLine = {
  status: 'met' | 'open' | 'missed';
  /** "2020年底覆盖率80%目标" / "80% coverage by the end of 2020". */
  label: string;
  /** "已完成" / "met". */
  statusText: string;
  /** "现含村民代办覆盖率98.2%，尚差11个建制村" / "now 98.2% with proxies; 11 villages short". */
  detail: string;
};

export type BriefingCoverage =
  | {
      /** No villages or no service points on record: nothing is printed as a figure. */
      state: 'not-entered';
      date: string;
      summary: string;
    }
  | {
      state: 'reported';
      date: string;
      summary: string;
      county: CoverageRow & { communitiesExcluded: number };
      targets: CoverageTargetLine[];
      towns: CoverageRow[];
      /** The villages with no data, named when few (grouped by town), else counted. */
      noDataNote: string | null;
      /** Explains the mark on towns counted with the reference denominator. */
      referenceNote: string | null;
      /** How coverage is counted. */
      rule: string;
    };
