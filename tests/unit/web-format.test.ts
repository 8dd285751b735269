import { describe, expect, it } from 'vitest';
import { businessDate, date, parcels, parcelsCell, parcelsPerDay, parcelsTick, percent, points, time, tonnes } from '../../web/src/lib/i18n/format.ts';

// The dashboard's figures as officials read them: 万件 in Chinese, millions in English,
// Shanghai dates and times whatever the browser's time zone.

describe('web figures', () => {
  it('writes parcel counts in 万件 for Chinese readers and in millions for English ones', () => {
    expect(parcels(6_325_000, 'zh')).toBe('632.5万件');
    expect(parcels(6_325_000, 'en')).toBe('6.33 M parcels');
    expect(parcels(10_000_000, 'zh')).toBe('1000万件');
    expect(parcels(10_000_000, 'en')).toBe('10 M parcels');
    expect(parcels(8_532, 'zh')).toBe('8,532件');
    expect(parcels(853_200, 'en')).toBe('853,200 parcels');
    expect(parcels(150_000_000, 'zh')).toBe('1.5亿件');
    expect(parcels(0, 'zh')).toBe('0件');
    expect(parcelsPerDay(62_117.66, 'zh')).toBe('6.2万件/日');
    expect(parcelsPerDay(62_117.66, 'en')).toBe('62,118 parcels/day');
    expect(parcelsCell(695_934, 'en')).toBe('695,934');
    expect(parcelsCell(695_934, 'zh')).toBe('69.6万件');
    expect(parcelsTick(6_000_000, 'zh')).toBe('600万');
    expect(parcelsTick(6_000_000, 'en')).toBe('6 M');
    expect(parcelsTick(40_000, 'en')).toBe('40 k');
  });

  it('rounds half away from zero, never printing binary noise', () => {
    // 1.05 is 1.04999… in binary: toFixed(1) would print "1.0".
    expect(parcels(10_500, 'zh')).toBe('1.1万件');
    expect(parcels(10_049, 'zh')).toBe('1万件');
    expect(percent(63.35)).toBe('63.4%');
    expect(percent(null)).toBe('—');
    expect(points(-23.25, 'zh')).toBe('23.3个百分点');
    expect(points(23.25, 'en')).toBe('23.3 points');
    expect(tonnes(1_198_084, 'zh')).toBe('1,198.1吨');
  });

  it('shows dates and times in Asia/Shanghai', () => {
    expect(date('2026-11-29', 'zh')).toBe('11月29日');
    expect(date('2026-11-29', 'en', { year: true })).toBe('29 Nov 2026');
    expect(date('2026-08-20', 'zh', { year: true })).toBe('2026年8月20日');
    // 23:30 UTC is 07:30 the next morning in Yiyuan.
    expect(businessDate('2026-05-10T23:30:00Z')).toBe('2026-05-11');
    expect(time('2026-05-10T23:30:05Z', 'zh')).toBe('07:30:05');
    expect(time('2026-05-10T23:30:05Z', 'en', { withDate: true, seconds: false })).toBe('11 May, 07:30');
  });
});
