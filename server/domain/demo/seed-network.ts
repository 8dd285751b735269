import { villages } from '../../../db/schema/index.ts';
import { referenceData } from '../../../db/seed/reference-data.ts';
import type { Ctx } from '../context.ts';
import { importServicePoints } from '../network/import-service-points.ts';
import { importVillages } from '../network/import-villages.ts';
import { seededRandom } from './random.ts';

// Demo network: every village of the 12 towns (named plausibly; the reference counts of 村/居, a
// few communities among them), two county hubs in the development zone, a node in every town,
// village stations in a mix of cooperation modes and brands opened over 2019–2021 (so the series
// climbs past 80 % by the end of 2020 towards 100 %), villager proxies for remote mountain
// villages, a few replaced stations, two villages confirmed uncovered and a few with no data.
// Written through the import verbs, as an administrator's spreadsheets would be.

const PINYIN: Record<string, string> = {
  '370323001': 'LISHAN',
  '370323002': 'NANMA',
  '370323102': 'LUCUN',
  '370323103': 'DONGLI',
  '370323104': 'YUEZHUANG',
  '370323105': 'XILI',
  '370323106': 'DAZHANGZHUANG',
  '370323107': 'ZHONGZHUANG',
  '370323108': 'ZHANGJIAPO',
  '370323109': 'YANYA',
  '370323110': 'SHIQIAO',
  '370323111': 'NANLUSHAN',
};
// Communities (社区/居委会): many in the two subdistricts around the county seat, one at each town seat.
const COMMUNITIES: Record<string, string[]> = {
  '370323001': ['城北', '荆山', '胜利', '振兴', '儒林', '沂河', '鲁山路', '螳螂河'],
  '370323002': ['城南', '城东', '城西', '新城', '瑞阳', '正阳', '文化路', '健康路', '沂源路', '富源'],
};
// Mountain towns where the remotest villages are reached by villager proxy (村民代办).
const PROXY_SHARE: Record<string, number> = { '370323111': 0.12, '370323108': 0.1, '370323109': 0.08, '370323110': 0.08, '370323106': 0.05 };
const NO_DATA: Record<string, number> = {
  '370323102': 1,
  '370323103': 1,
  '370323104': 1,
  '370323105': 1,
  '370323107': 1,
  '370323108': 1,
  '370323110': 1,
  '370323111': 2,
};
const CONFIRMED_UNCOVERED: Record<string, number> = { '370323111': 1, '370323108': 1 };

const SURNAMES = '张王李刘赵孙周吴郑冯陈韩杨朱秦许何吕施孔曹严金魏陶姜唐徐高马田房毕郝宋翟'.split('');
const SURNAME_SUFFIXES = ['家庄', '家峪', '家坡', '家河', '家沟', '家泉', '家岭', '家楼', '家台', '家崖', '家圈', '家洼'];
const PREFIXES = ['东', '西', '南', '北', '上', '下', '前', '后', '大', '小', '中'];
const ROOTS = ['峪', '庄', '河', '坡', '岭', '泉', '沟', '崖', '店', '旺', '石门', '柳沟', '龙泉', '杏林', '桃花峪', '松山', '石桥', '石屋', '荆山', '青龙'];

const MODE_WEIGHTS: [string, number][] = [
  ['postal_courier', 0.4],
  ['courier_commerce', 0.25],
  ['courier_courier', 0.25],
  ['own', 0.1],
];
const TONGDA = ['zto', 'yto', 'sto', 'yunda', 'jt'];

export type NetworkSummary = { seeded: boolean; villages: number; servicePoints: number };

const csvLine = (cells: (string | number | boolean | null | undefined)[]) =>
  cells
    .map((c) =>
      c === null || c === undefined
        ? ''
        : typeof c === 'boolean'
          ? c
            ? '是'
            : '否'
          : /[",\n]/.test(String(c))
            ? `"${String(c).replace(/"/g, '""')}"`
            : String(c),
    )
    .join(',');

export async function seedNetwork({ ctx }: { ctx: Ctx }): Promise<NetworkSummary> {
  const [any] = await ctx.db.select({ id: villages.id }).from(villages).limit(1);
  if (any) return { seeded: false, villages: 0, servicePoints: 0 };
  const rand = seededRandom(20191118);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const shuffle = <T>(list: T[]) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  };
  const dateIn = (from: string, to: string) => {
    const a = Date.parse(`${from}T00:00:00Z`);
    const b = Date.parse(`${to}T00:00:00Z`);
    return new Date(a + Math.floor(rand() * ((b - a) / 86_400_000 + 1)) * 86_400_000).toISOString().slice(0, 10);
  };
  const phone = () => `0533-3${String(Math.floor(rand() * 1_000_000)).padStart(6, '0')}`;

  // Villages -----------------------------------------------------------------------------------
  type V = { code: string; name: string; townCode: string; community: boolean };
  const byTown = new Map<string, V[]>();
  const villageLines = [csvLine(['code', 'townCode', 'name', 'kind', 'surveyStatus', 'surveyedOn', 'notes'])];
  const uncovered = new Set<string>();
  const noData = new Set<string>();
  for (const town of referenceData.towns) {
    const short = town.name.replace(/(街道|镇)$/, '');
    const communityNames = COMMUNITIES[town.code] ?? [short];
    const names = new Set<string>();
    while (names.size < town.villageCount - communityNames.length) {
      const name = rand() < 0.55 ? `${pick(SURNAMES)}${pick(SURNAME_SUFFIXES)}村` : `${pick(PREFIXES)}${pick(ROOTS)}村`;
      if (!communityNames.includes(name.slice(0, -1))) names.add(name);
    }
    const list: V[] = [
      ...communityNames.map((n, i) => ({ code: `${town.code}${String(i + 1).padStart(3, '0')}`, name: `${n}社区`, townCode: town.code, community: true })),
      ...[...names].map((n, i) => ({ code: `${town.code}${String(201 + i)}`, name: n, townCode: town.code, community: false })),
    ];
    byTown.set(town.code, list);
    const plain = shuffle(list.filter((v) => !v.community));
    for (let i = 0; i < (CONFIRMED_UNCOVERED[town.code] ?? 0); i++) uncovered.add(plain[i].code);
    for (let i = 0; i < (NO_DATA[town.code] ?? 0); i++) noData.add(plain[plain.length - 1 - i].code);
    for (const v of list) {
      const confirmed = uncovered.has(v.code);
      villageLines.push(
        csvLine([
          v.code,
          town.code,
          v.name,
          v.community ? '社区' : '建制村',
          confirmed ? '确认未通' : '',
          confirmed ? '2021-11-15' : '',
          confirmed ? '深山区，常住人口不足百人，暂无快递服务点' : '',
        ]),
      );
    }
  }
  const vResult = await importVillages({ ctx, input: { format: 'csv', content: villageLines.join('\n') } });
  if (!vResult.ok) throw new Error(`demo villages: ${JSON.stringify(vResult.errors.slice(0, 3))}`);

  // Service points -----------------------------------------------------------------------------
  const header = [
    'code',
    'name',
    'kind',
    'townCode',
    'mode',
    'upstreamCode',
    'operator',
    'brands',
    'takesOutgoing',
    'openingHours',
    'staff',
    'videoMonitoring',
    'coldChain',
    'openedOn',
    'closedOn',
    'address',
    'contact',
    'villages',
  ];
  const lines = [csvLine(header)];
  const add = (p: Record<string, string | number | boolean | null | undefined>) => lines.push(csvLine(header.map((h) => p[h])));
  add({
    code: 'YY-HUB-EMS',
    name: '中国邮政沂源县寄递事业部分拣中心',
    kind: '县级中心',
    mode: 'own',
    operator: '中国邮政集团有限公司沂源县分公司',
    brands: 'ems',
    takesOutgoing: true,
    openingHours: '00:00-24:00',
    staff: 46,
    videoMonitoring: true,
    coldChain: true,
    openedOn: '2018-09-01',
    address: '沂源经济开发区',
    contact: phone(),
  });
  add({
    code: 'YY-HUB-01',
    name: '沂源县快递物流分拨中心',
    kind: '县级中心',
    mode: 'courier_courier',
    operator: '沂源县快递物流产业园（共配中心）',
    brands: [...TONGDA, 'deppon'].join(','),
    takesOutgoing: true,
    openingHours: '00:00-24:00',
    staff: 120,
    videoMonitoring: true,
    coldChain: true,
    openedOn: '2019-04-18',
    address: '沂源经济开发区',
    contact: phone(),
  });

  const coldTowns = new Set(['370323103', '370323109', '370323111', '370323107']);
  for (const town of referenceData.towns) {
    const tag = PINYIN[town.code];
    const short = town.name.replace(/(街道|镇)$/, '');
    const node = `${tag}-N`;
    add({
      code: node,
      name: `${town.name}快递物流服务中心`,
      kind: '镇级节点',
      townCode: town.code,
      mode: 'postal_courier',
      upstreamCode: 'YY-HUB-01',
      operator: `中国邮政${short}支局`,
      brands: ['ems', ...TONGDA].join(','),
      takesOutgoing: true,
      openingHours: '08:00-18:00',
      staff: 4 + Math.floor(rand() * 7),
      videoMonitoring: true,
      coldChain: coldTowns.has(town.code),
      openedOn: dateIn('2019-03-01', town.kind === 'subdistrict' ? '2019-06-30' : '2020-02-28'),
      address: `${town.name}驻地`,
      contact: phone(),
    });

    const list = byTown.get(town.code)!;
    const served = shuffle(list.filter((v) => !v.community && !uncovered.has(v.code) && !noData.has(v.code)));
    const proxies = Math.round(served.length * (PROXY_SHARE[town.code] ?? 0));
    let n = 0;
    const stationCode = () => `${tag}-V${String(++n).padStart(3, '0')}`;
    // The remotest villages: a villager takes parcels in and out through the town centre.
    for (const v of served.splice(0, proxies)) {
      add({
        code: stationCode(),
        name: `${v.name}村民代办点`,
        kind: '村级站点',
        townCode: town.code,
        mode: 'proxy',
        upstreamCode: node,
        operator: `${v.name}村民（${pick(SURNAMES)}某）`,
        brands: 'ems,zto',
        takesOutgoing: true,
        openingHours: '随时电话预约',
        staff: 1,
        videoMonitoring: false,
        coldChain: false,
        openedOn: dateIn('2020-04-01', '2021-11-30'),
        contact: phone(),
        villages: v.code,
      });
    }
    while (served.length) {
      const group = served.splice(0, rand() < 0.6 ? 1 : rand() < 0.8 ? 2 : 3);
      let u = rand();
      const mode = MODE_WEIGHTS.find(([, w]) => (u -= w) < 0)?.[0] ?? 'postal_courier';
      const brands =
        mode === 'own'
          ? [pick(['ems', 'ems', 'sf', 'jd'])]
          : mode === 'postal_courier'
            ? ['ems', ...shuffle([...TONGDA]).slice(0, 2 + Math.floor(rand() * 3))]
            : mode === 'courier_courier'
              ? shuffle([...TONGDA]).slice(0, 3 + Math.floor(rand() * 3))
              : shuffle([...TONGDA, 'ems', 'jd']).slice(0, 3 + Math.floor(rand() * 3));
      const r = rand();
      const openedOn = r < 0.52 ? dateIn('2019-03-01', '2019-12-31') : r < 0.86 ? dateIn('2020-01-01', '2020-12-20') : dateIn('2021-01-01', '2021-11-30');
      const host = group[0];
      const operator =
        mode === 'own'
          ? { ems: '中国邮政沂源县分公司', sf: '顺丰速运沂源营业部', jd: '京东物流沂源营业部' }[brands[0]]!
          : mode === 'courier_courier'
            ? '沂源县快递共同配送中心'
            : mode === 'postal_courier'
              ? `${host.name}村委会`
              : `${host.name}${pick(['便民超市', '供销超市', '电商服务站'])}`;
      const station = {
        code: stationCode(),
        name: `${host.name}${mode === 'postal_courier' ? '村级寄递物流综合服务站' : '快递服务站'}`,
        kind: '村级站点',
        townCode: town.code,
        mode,
        upstreamCode: node,
        operator,
        brands: brands.join(','),
        takesOutgoing: rand() < 0.9,
        openingHours: pick(['08:00-19:00', '07:30-20:00', '08:30-18:30']),
        staff: 1 + Math.floor(rand() * 3),
        videoMonitoring: rand() < 0.6,
        coldChain: town.code === '370323109' ? rand() < 0.5 : rand() < 0.08,
        openedOn,
        address: `${town.name}${host.name}`,
        contact: phone(),
        villages: group.map((v) => v.code).join(';'),
      };
      // A few stations were replaced by another operator later on (the same day, or after a gap).
      if (rand() < 0.025) {
        const closedOn = dateIn('2022-03-01', '2024-10-31');
        const gap = rand() < 0.3 ? 60 : 0;
        const reopened = new Date(Date.parse(`${closedOn}T00:00:00Z`) + gap * 86_400_000).toISOString().slice(0, 10);
        add({ ...station, closedOn });
        add({
          ...station,
          code: stationCode(),
          mode: 'courier_commerce',
          operator: `${host.name}供销超市`,
          brands: ['ems', 'zto', 'yto', 'yunda'].join(','),
          openedOn: reopened,
          name: `${host.name}快递驿站`,
        });
      } else add(station);
    }
    // Parcel lockers and stations in the urban communities: served, but never counted.
    for (const c of list.filter((v) => v.community).slice(0, 3)) {
      add({
        code: stationCode(),
        name: `${c.name}快递驿站`,
        kind: '村级站点',
        townCode: town.code,
        mode: 'courier_commerce',
        upstreamCode: node,
        operator: `${c.name}物业服务中心`,
        brands: ['zto', 'yto', 'yunda', 'jd', 'sf'].join(','),
        takesOutgoing: true,
        openingHours: '07:30-21:00',
        staff: 2,
        videoMonitoring: true,
        coldChain: false,
        openedOn: dateIn('2019-01-01', '2020-06-30'),
        contact: phone(),
        villages: c.code,
      });
    }
  }
  const pResult = await importServicePoints({ ctx, input: { format: 'csv', content: lines.join('\n') } });
  if (!pResult.ok) throw new Error(`demo service points: ${JSON.stringify(pResult.errors.slice(0, 3))}`);
  return { seeded: true, villages: vResult.summary.created, servicePoints: pResult.summary.created };
}
