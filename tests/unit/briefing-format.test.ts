import { describe, expect, it } from 'vitest';
import {
  formatCutOff,
  formatDate,
  formatIssueNumber,
  formatParcels,
  formatParcelsCell,
  formatParcelsShort,
  formatPercent,
  formatPoints,
  formatTonnes,
  grouped,
  round,
  trimmed,
} from '../../server/render/format.ts';
import { flagFor, flagRuleNote, percentOfPace, townPaces } from '../../server/rules/town-flags.ts';

describe('parcel figures', () => {
  it('are written in 万件 with one decimal, trailing zeros dropped, as officials write them', () => {
    expect(formatParcels(10_000_000, 'zh')).toBe('1000万件');
    expect(formatParcels(6_325_114, 'zh')).toBe('632.5万件');
    expect(formatParcels(6_320_000, 'zh')).toBe('632万件');
    expect(formatParcels(6_325_000, 'zh')).toBe('632.5万件');
    expect(formatParcels(6_299_500, 'zh')).toBe('630万件');
    expect(formatParcels(12_345, 'zh')).toBe('1.2万件');
    expect(formatParcels(10_000, 'zh')).toBe('1万件');
  });

  it('stay in plain 件 below ten thousand', () => {
    expect(formatParcels(9_999, 'zh')).toBe('9999件');
    expect(formatParcels(0, 'zh')).toBe('0件');
    expect(formatParcels(4117.6, 'zh')).toBe('4118件');
  });

  it('are in millions (two decimals) or grouped digits in English', () => {
    expect(formatParcels(6_325_114, 'en')).toBe('6.33 million parcels');
    expect(formatParcels(10_000_000, 'en')).toBe('10 million parcels');
    expect(formatParcels(345_600, 'en')).toBe('345,600 parcels');
    expect(formatParcelsShort(6_325_114, 'en')).toBe('6.33 million');
    expect(formatParcelsShort(6_325_114, 'zh')).toBe('632.5万件');
  });

  it('fill table cells in 万件 with two fixed decimals, or grouped in English', () => {
    expect(formatParcelsCell(523_600, 'zh')).toBe('52.36');
    expect(formatParcelsCell(10_000_000, 'zh')).toBe('1000.00');
    expect(formatParcelsCell(1_234_567, 'en')).toBe('1,234,567');
  });
});

describe('numbers', () => {
  it('round half away from zero, without binary surprises', () => {
    expect(round(1.005, 2)).toBe(1.01);
    expect(round(-2.5, 0)).toBe(-3);
    expect(Object.is(round(-0.0001, 2), 0)).toBe(true);
    expect(trimmed(632.5, 1)).toBe('632.5');
    expect(trimmed(1000, 1)).toBe('1000');
  });

  it('group thousands without depending on the ICU data', () => {
    expect(grouped(-1_234_567.891, 1)).toBe('-1,234,567.9');
    expect(grouped(999)).toBe('999');
    expect(formatTonnes(1_234_567)).toBe('1,234.6');
  });

  it('print percentages and points to one decimal', () => {
    expect(formatPercent(62.949)).toBe('62.9%');
    expect(formatPercent(62.95)).toBe('63.0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPoints(-22.84, 'zh')).toBe('22.8个百分点');
    expect(formatPoints(5, 'en')).toBe('5.0 points');
  });
});

describe('dates', () => {
  it('are Asia/Shanghai wall-clock dates and times', () => {
    expect(formatCutOff(new Date('2026-11-29T04:00:00Z'), 'zh')).toBe('数据截至2026年11月29日12:00');
    // 16:30 UTC is already the next day in Yiyuan.
    expect(formatCutOff(new Date('2026-11-29T16:30:00Z'), 'zh')).toBe('数据截至2026年11月30日00:30');
    expect(formatCutOff(new Date('2026-11-29T04:00:00Z'), 'en')).toBe('Data as of 29 Nov 2026, 12:00 (Beijing time)');
    expect(formatDate('2026-05-01', 'zh')).toBe('2026年5月1日');
    expect(formatDate('2026-05-01', 'en')).toBe('1 May 2026');
  });

  it('number issues per year, and mark a preview', () => {
    expect(formatIssueNumber({ year: 2026, number: 3, preview: false }, 'zh')).toBe('第3期');
    expect(formatIssueNumber({ year: 2026, number: 3, preview: true }, 'zh')).toBe('第3期（预览）');
    expect(formatIssueNumber({ year: 2026, number: 3, preview: false }, 'en')).toBe('No. 3, 2026');
  });
});

describe('红黄蓝 flags', () => {
  it('are blue at or above pace, yellow from 80% of it, red below', () => {
    expect(flagFor(150)).toBe('blue');
    expect(flagFor(100)).toBe('blue');
    expect(flagFor(99.9)).toBe('yellow');
    expect(flagFor(80)).toBe('yellow');
    expect(flagFor(79.9)).toBe('red');
    expect(flagFor(0)).toBe('red');
    expect(flagFor(null)).toBeNull();
  });

  it('are judged on the figure as printed, so a town shown at 80.0% is never red', () => {
    expect(formatPercent(79.96)).toBe('80.0%');
    expect(flagFor(79.96)).toBe('yellow');
    expect(flagFor(99.96)).toBe('blue');
    expect(flagFor(79.94)).toBe('red');
  });

  it('share a county target among towns by their villages, and keep a town project whole', () => {
    const towns = [
      { code: 'a', villageCount: 30 },
      { code: 'b', villageCount: 10 },
    ];
    const county = townPaces({ targetParcels: 1000, elapsedDays: 5, totalDays: 10, projectTownCode: null, towns });
    expect(county.get('a')).toEqual({ allocatedTarget: 750, expectedToDate: 375 });
    expect(county.get('b')).toEqual({ allocatedTarget: 250, expectedToDate: 125 });
    const town = townPaces({ targetParcels: 1000, elapsedDays: 5, totalDays: 10, projectTownCode: 'b', towns });
    expect([...town]).toEqual([['b', { allocatedTarget: 1000, expectedToDate: 500 }]]);
    expect(percentOfPace(400, 375)).toBeCloseTo(106.67, 2);
    // Before the period starts there is no pace to be measured against.
    const before = townPaces({ targetParcels: 1000, elapsedDays: 0, totalDays: 10, projectTownCode: null, towns });
    expect(percentOfPace(0, before.get('a')!.expectedToDate)).toBeNull();
  });

  it('state their rule in words, in both languages', () => {
    expect(flagRuleNote('zh')).toContain('蓝：≥100%；黄：80%—100%；红：<80%');
    expect(flagRuleNote('en')).toContain('Blue ≥ 100%, yellow 80–100%, red < 80%');
  });
});
