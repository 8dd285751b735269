import type { Lang } from '../rules/numbers.ts';
import type { Flag } from '../rules/town-flags.ts';

/** Fixed words of the briefing layout; the model carries everything that depends on data. */
export type Labels = {
  sections: { overall: string; coverage: string; towns: string; carriers: string; stock: string; problems: string; nextSteps: string; notes: string };
  numerals: (i: number) => string;
  sub: (i: number) => string;
  figures: {
    target: string;
    counted: string;
    percent: string;
    elapsed: string;
    vsPace: string;
    confirmed: string;
    provisional: string;
    rateSoFar: string;
    rateNeeded: string;
    projected: string;
    ended: string;
    notStarted: string;
  };
  townColumns: {
    rank: string;
    town: string;
    counted: string;
    provisional: string;
    share: string;
    allocated: string;
    completion: string;
    ofPace: string;
    flag: string;
  };
  carrierColumns: { index: string; carrier: string; counted: string; confirmed: string; provisional: string; share: string };
  stockColumns: { facility: string; town: string; kind: string; product: string; weight: string; capacity: string; utilisation: string; total: string };
  coverageFigures: { rate: string; rateWithProxy: string; covered: string; proxy: string; uncovered: string; noData: string };
  coverageColumns: { town: string; covered: string; proxy: string; uncovered: string; noData: string; rate: string; rateWithProxy: string };
  flags: Record<Flag, string>;
  noFlag: string;
  noStock: string;
  notePrefix: string;
  chartCaption: (n: number, name: string) => string;
  toBeWritten: string;
  recipients: { bao: string; song: string; fa: string };
  issued: (unit: string, date: string) => string;
  copies: (n: number) => string;
  watermark: string;
  page: (n: number) => string;
};

const ZH_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export const LABELS: Record<Lang, Labels> = {
  zh: {
    sections: {
      overall: '总体进展',
      coverage: '快递进村覆盖情况',
      towns: '分镇（街道）进展',
      carriers: '分快递企业揽收',
      stock: '冷库库存',
      problems: '存在问题',
      nextSteps: '下步工作',
      notes: '说明',
    },
    numerals: (i) => `${ZH_NUMERALS[i] ?? String(i + 1)}、`,
    sub: (i) => `（${ZH_NUMERALS[i] ?? String(i + 1)}）`,
    figures: {
      target: '目标任务',
      counted: '累计揽收',
      percent: '完成率',
      elapsed: '序时进度',
      vsPace: '较序时进度',
      confirmed: '其中：企业确认',
      provisional: '其中：合作社暂计',
      rateSoFar: '日均揽收',
      rateNeeded: '尚需日均',
      projected: '按日均测算全期',
      ended: '统计期已结束',
      notStarted: '尚未开始',
    },
    townColumns: {
      rank: '排名',
      town: '镇（街道）',
      counted: '累计揽收\n（万件）',
      provisional: '其中暂计\n（万件）',
      share: '占比',
      allocated: '分解目标\n（万件）',
      completion: '完成率',
      ofPace: '对比序时',
      flag: '标识',
    },
    carrierColumns: {
      index: '序号',
      carrier: '快递企业',
      counted: '累计揽收\n（万件）',
      confirmed: '其中确认\n（万件）',
      provisional: '其中暂计\n（万件）',
      share: '占比',
    },
    stockColumns: {
      facility: '冷库名称',
      town: '所在镇（街道）',
      kind: '类型',
      product: '品种',
      weight: '库存（吨）',
      capacity: '库容（吨）',
      utilisation: '占用率',
      total: '合计',
    },
    coverageFigures: { rate: '覆盖率', rateWithProxy: '含代办覆盖率', covered: '已通快递/建制村', proxy: '村民代办', uncovered: '未通快递', noData: '无数据' },
    coverageColumns: {
      town: '镇（街道）',
      covered: '已通快递/\n建制村',
      proxy: '村民代办',
      uncovered: '未通快递',
      noData: '无数据',
      rate: '覆盖率',
      rateWithProxy: '含代办\n覆盖率',
    },
    flags: { blue: '蓝', yellow: '黄', red: '红' },
    noFlag: '—',
    noStock: '暂无在库记录。',
    notePrefix: '注：',
    chartCaption: (n, name) => `图${n}：${name}累计揽收与序时进度`,
    toBeWritten: '（签发时由领导小组办公室填写）',
    recipients: { bao: '报：', song: '送：', fa: '发：' },
    issued: (unit, date) => `${unit}\u3000\u3000${date}印发`,
    copies: (n) => `（共印${n}份）`,
    watermark: '预览稿　未签发',
    page: (n) => `— ${n} —`,
  },
  en: {
    sections: {
      overall: 'Overall progress',
      coverage: 'Express service in villages',
      towns: 'By town',
      carriers: 'By carrier',
      stock: 'Cold-storage stock',
      problems: 'Problems',
      nextSteps: 'Next steps',
      notes: 'Notes',
    },
    numerals: (i) => `${i + 1}. `,
    sub: (i) => `${i + 1}.${' '}`,
    figures: {
      target: 'Target',
      counted: 'Counted',
      percent: 'Completion',
      elapsed: 'Time elapsed',
      vsPace: 'Against pace',
      confirmed: 'Confirmed (carriers)',
      provisional: 'Provisional (co-ops)',
      rateSoFar: 'Daily so far',
      rateNeeded: 'Daily needed',
      projected: 'Projected (period)',
      ended: 'period over',
      notStarted: 'not started',
    },
    townColumns: {
      rank: '#',
      town: 'Town',
      counted: 'Counted',
      provisional: 'Provisional',
      share: 'Share',
      allocated: 'Allocated\ntarget',
      completion: 'Done',
      ofPace: 'vs pace',
      flag: 'Flag',
    },
    carrierColumns: { index: '#', carrier: 'Carrier', counted: 'Counted', confirmed: 'Confirmed', provisional: 'Provisional', share: 'Share' },
    stockColumns: {
      facility: 'Facility',
      town: 'Town',
      kind: 'Kind',
      product: 'Product',
      weight: 'Stock (t)',
      capacity: 'Capacity (t)',
      utilisation: 'Used',
      total: 'Total',
    },
    coverageFigures: {
      rate: 'Coverage',
      rateWithProxy: 'With proxies',
      covered: 'Served / villages',
      proxy: 'Proxy only',
      uncovered: 'No service',
      noData: 'No data',
    },
    coverageColumns: {
      town: 'Town',
      covered: 'Served /\nvillages',
      proxy: 'Proxy\nonly',
      uncovered: 'No\nservice',
      noData: 'No data',
      rate: 'Coverage',
      rateWithProxy: 'With\nproxies',
    },
    flags: { blue: 'Blue', yellow: 'Yellow', red: 'Red' },
    noFlag: '—',
    noStock: 'Nothing in store.',
    notePrefix: 'Note: ',
    chartCaption: (n, name) => `Figure ${n}: ${name}, counted against pace`,
    toBeWritten: '(to be written by the office when issuing)',
    recipients: { bao: 'To: ', song: 'Copy: ', fa: 'Distribution: ' },
    issued: (unit, date) => `${unit}, issued ${date}`,
    copies: (n) => `(${n} copies)`,
    watermark: 'PREVIEW  NOT ISSUED',
    page: (n) => `— ${n} —`,
  },
};
