import type { CoverageView } from '../../contracts/network.ts';
import type { BriefingCoverage, CoverageRow, CoverageTargetLine } from '../../render/briefing-model.ts';
import type { Reference } from '../reference/load-reference.ts';
import { formatDate, formatDeadline, formatList, formatPercent, formatTargetRate, formatVillageShare, type Lang } from '../../render/format.ts';

// The briefing's section on express service in villages (村级通快递): the coverage the network
// domain computes for the cut-off date, chosen and worded for the leading group. Pure, like the
// rest of the model: the figures come in as the coverage view, the words go out.

/** What the briefing is told about the network, read in the same snapshot as the rest. */
export type CoverageSource = {
  /** The network domain's coverage on the business date of the cut-off. */
  view: CoverageView;
  /** Service points on record, open or not: none means the network has not been entered yet. */
  servicePointsOnRecord: number;
};

/** Villages named one by one in the briefing at most; more are only counted. */
export const MAX_NAMED_NO_DATA = 10;

const percent = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : null);

/** Villages still needed to meet a target's rate: compared on the exact fraction, as the network domain does. */
export function villagesShort(rate: number, numerator: number, denominator: number): number {
  return Math.max(0, Math.ceil(rate * denominator - 1e-9) - numerator);
}

type Towns = Pick<Reference, 'towns'>['towns'];

export function buildCoverageSection(src: CoverageSource, lang: Lang, towns: Towns): BriefingCoverage {
  const { view } = src;
  const zh = lang === 'zh';
  const townByCode = new Map(towns.map((t) => [t.code, t]));
  const townName = (code: string) => {
    const t = townByCode.get(code);
    return t ? (zh ? t.name : t.nameEn) : code;
  };
  const asOf = zh ? `截至${formatDate(view.date, lang)}` : `As of ${formatDate(view.date, lang)}`;
  const villagesOnRecord = view.byTown.reduce((n, t) => n + t.importedVillages, 0);

  if (villagesOnRecord === 0 || src.servicePointsOnRecord === 0) {
    const what =
      villagesOnRecord === 0 && src.servicePointsOnRecord === 0
        ? zh
          ? '系统中尚无建制村名录和快递服务站点记录'
          : 'there are no villages and no service points on record'
        : villagesOnRecord === 0
          ? zh
            ? `已录入快递服务站点${src.servicePointsOnRecord}个，尚未录入建制村名录`
            : `${src.servicePointsOnRecord} service points are on record, but no villages`
          : zh
            ? `已录入村（居）${villagesOnRecord}个，尚未录入快递服务站点`
            : `${villagesOnRecord} villages and communities are on record, but no service points`;
    const targets = view.targets.map((t) =>
      zh ? `${formatDeadline(t.by, lang)}达到${formatTargetRate(t.rate)}` : `${formatTargetRate(t.rate)} ${formatDeadline(t.by, lang)}`,
    );
    const targetClause = targets.length
      ? zh
        ? `已设定的覆盖率目标为${formatList(targets, lang)}，数据录入后报告完成情况。`
        : ` The coverage targets set are ${formatList(targets, lang)}; progress towards them will be reported once the data is in.`
      : '';
    return {
      state: 'not-entered',
      date: view.date,
      summary: zh
        ? `${asOf}，快递进村覆盖数据尚未录入（${what}），暂不能统计建制村快递服务覆盖率。${targetClause}`
        : `${asOf}, village coverage data has not been entered yet (${what}), so coverage cannot be reported.${targetClause}`,
    };
  }

  const row = (
    t: { denominator: number; covered: number; coveredByProxy: number; uncovered: number; noData: number },
    code: string,
    name: string,
    referenceOnly: boolean,
  ): CoverageRow => ({
    code,
    name,
    denominator: t.denominator,
    covered: t.covered,
    coveredByProxy: t.coveredByProxy,
    uncovered: t.uncovered,
    noData: t.noData,
    ratePercent: referenceOnly ? null : percent(t.covered, t.denominator),
    rateWithProxyPercent: referenceOnly ? null : percent(t.covered + t.coveredByProxy, t.denominator),
    referenceOnly,
  });
  const c = view.county;
  const county = { ...row(c, '', zh ? '全县合计' : 'County', false), communitiesExcluded: c.communitiesExcluded };
  const townRows = view.byTown.map((t) => row(t, t.townCode, townName(t.townCode), t.denominatorSource === 'reference'));
  const referenceTowns = townRows.filter((r) => r.referenceOnly);

  // The county figure, then what is covered otherwise or not known, then the upper tiers.
  const parts: string[] = [];
  const share = formatVillageShare(c.covered, c.denominator, lang);
  if (zh) {
    parts.push(`${asOf}，全县已通快递${share}${referenceTowns.length ? '（部分为参考数）' : ''}，覆盖率${formatPercent(county.ratePercent)}`);
    if (c.coveredByProxy > 0) parts.push(`另有${c.coveredByProxy}个建制村由村民代办收投，含代办覆盖率${formatPercent(county.rateWithProxyPercent)}`);
    const gaps = [c.uncovered > 0 ? `未通快递${c.uncovered}个` : null, c.noData > 0 ? `无数据${c.noData}个` : null].filter(Boolean);
    if (gaps.length) parts.push(gaps.join('，'));
  } else {
    parts.push(`${asOf}, ${share}${referenceTowns.length ? ' (partly reference counts)' : ''} have express service: ${formatPercent(county.ratePercent)}`);
    if (c.coveredByProxy > 0)
      parts.push(`${c.coveredByProxy} more are served by villager proxies only (${formatPercent(county.rateWithProxyPercent)} with them)`);
    const gaps = [c.uncovered > 0 ? `${c.uncovered} have no service` : null, c.noData > 0 ? `${c.noData} have no data` : null].filter(Boolean);
    if (gaps.length) parts.push(gaps.join(', '));
  }
  let summary = zh ? `${parts.join('；')}。` : `${parts.join('; ')}.`;
  if (c.communitiesExcluded > 0)
    summary += zh ? `城市社区${c.communitiesExcluded}个不计入。` : ` Urban communities (${c.communitiesExcluded}) are not counted.`;
  const n = view.network;
  const without = n.townsWithoutNode.map(townName);
  const totalTowns = n.townsWithNode + without.length;
  if (zh) {
    const hubs = n.countyHubsOpen > 0 ? `县级快递物流中心${n.countyHubsOpen}个运行` : '县级快递物流中心尚未运行';
    const nodes =
      without.length === 0
        ? `${totalTowns}个镇（街道）均已建成镇级快递服务节点`
        : `${n.townsWithNode}个镇（街道）建成镇级快递服务节点，${formatList(without, lang)}尚未建成`;
    summary += `${hubs}，${nodes}。`;
  } else {
    const hubs = n.countyHubsOpen > 0 ? `${n.countyHubsOpen} county hub${n.countyHubsOpen === 1 ? ' is' : 's are'} open` : 'No county hub is open';
    const nodes =
      without.length === 0
        ? `all ${totalTowns} towns have a town node`
        : `${n.townsWithNode} of ${totalTowns} towns have a town node (not yet: ${formatList(without, lang)})`;
    summary += ` ${hubs}; ${nodes}.`;
  }

  const targets = view.targets.map((t): CoverageTargetLine => {
    const numerator = c.covered + (t.countsProxy ? c.coveredByProxy : 0);
    const now = formatPercent(percent(numerator, c.denominator));
    const short = t.status === 'met' ? 0 : villagesShort(t.rate, numerator, c.denominator);
    const rate = formatTargetRate(t.rate);
    const deadline = formatDeadline(t.by, lang);
    if (zh)
      return {
        status: t.status,
        label: `${deadline}覆盖率${rate}目标`,
        statusText: { met: '已完成', open: '推进中', missed: '未完成' }[t.status],
        detail: `现${t.countsProxy ? '含村民代办' : ''}覆盖率${now}${short > 0 ? `，尚差${short}个建制村` : ''}`,
      };
    return {
      status: t.status,
      label: `${rate} coverage ${deadline}`,
      statusText: { met: 'met', open: 'not yet met', missed: 'missed' }[t.status],
      detail: `now ${now}${t.countsProxy ? ' with proxies' : ''}${short > 0 ? `; ${short} village${short === 1 ? '' : 's'} ${t.status === 'missed' ? 'short' : 'to go'}` : ''}`,
    };
  });

  let noDataNote: string | null = null;
  const named = view.noDataVillages;
  const aside = referenceTowns.length ? (zh ? '，不含按参考数计的镇（街道）' : '; towns counted with reference numbers aside') : '';
  if (named.length > 0 && named.length <= MAX_NAMED_NO_DATA) {
    const groups: { town: string; names: string[] }[] = [];
    for (const v of named) {
      const town = townName(v.townCode);
      const last = groups[groups.length - 1];
      if (last?.town === town) last.names.push(v.name);
      else groups.push({ town, names: [v.name] });
    }
    noDataNote = zh
      ? `无数据的建制村（${named.length}个，未录入服务站点且未经核实${aside}）：${groups.map((g) => `${g.town}${g.names.join('、')}`).join('；')}。`
      : `Villages with no data (${named.length}; no service point on record, not surveyed${aside}): ${groups.map((g) => `${g.town}: ${g.names.join(', ')}`).join('; ')}.`;
  } else if (named.length > MAX_NAMED_NO_DATA) {
    noDataNote = zh
      ? `无数据的建制村${named.length}个（未录入服务站点且未经核实${aside}），分镇（街道）数见上表。`
      : `${named.length} villages have no data (no service point on record, not surveyed${aside}); see the table for each town.`;
  }

  const referenceNote = referenceTowns.length
    ? zh
      ? `* ${formatList(
          referenceTowns.map((r) => r.name),
          lang,
        )}尚未录入建制村名录，按参考村（居）数${formatList(
          referenceTowns.map((r) => String(r.denominator)),
          lang,
        )}个计入分母，均计为无数据。`
      : `* No villages on record for ${formatList(
          referenceTowns.map((r) => r.name),
          lang,
        )}: counted with the reference number of villages (${formatList(
          referenceTowns.map((r) => String(r.denominator)),
          lang,
        )}), all as no data.`
    : null;

  return {
    state: 'reported',
    date: view.date,
    summary,
    county,
    targets,
    towns: townRows,
    noDataNote,
    referenceNote,
    rule: zh
      ? '覆盖率＝有快递服务站点（村民代办点除外）开放服务的建制村数÷建制村数（不含城市社区和已撤并的村）；仅由村民代办收投的单列，含代办覆盖率将其计入；未录入服务站点且未经核实的计为无数据，不计为未通。'
      : 'Coverage = villages served by an open service point other than a villager proxy ÷ administrative villages (urban communities and merged villages excluded). Villages served only by a villager proxy are shown apart and counted in the rate with proxies. Villages with no service point on record and not surveyed count as no data, not as unserved.',
  };
}
