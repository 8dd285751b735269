import { describe, expect, it } from 'vitest';
import { addDays, businessDate, datesFrom, daysBetween } from '../../server/rules/time.ts';

describe('businessDate', () => {
  it('is the date in Asia/Shanghai (UTC+8), not in UTC', () => {
    expect(businessDate(new Date('2026-05-10T23:30:00Z'))).toBe('2026-05-11');
    expect(businessDate(new Date('2026-05-10T15:59:59Z'))).toBe('2026-05-10');
    expect(businessDate(new Date('2026-05-10T16:00:00Z'))).toBe('2026-05-11');
    expect(businessDate(new Date('2026-05-10T00:00:00+08:00'))).toBe('2026-05-10');
  });

  it('crosses month, year and leap-day boundaries', () => {
    expect(businessDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(businessDate(new Date('2028-02-28T16:00:00Z'))).toBe('2028-02-29');
    expect(businessDate(new Date('2027-02-28T16:00:00Z'))).toBe('2027-03-01');
  });
});

describe('daysBetween / addDays / datesFrom', () => {
  it('counts whole days, negative when the second date is earlier', () => {
    expect(daysBetween('2026-11-20', '2026-11-29')).toBe(9);
    expect(daysBetween('2026-11-29', '2026-11-20')).toBe(-9);
    expect(daysBetween('2026-11-29', '2026-11-29')).toBe(0);
    expect(daysBetween('2026-08-20', '2027-04-30')).toBe(253);
    expect(daysBetween('2028-02-01', '2028-03-01')).toBe(29);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2026-11-29', 0)).toBe('2026-11-29');
  });

  it('lists every date inclusively, and none when the range is empty', () => {
    expect(datesFrom('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(datesFrom('2026-11-29', '2026-11-29')).toEqual(['2026-11-29']);
    expect(datesFrom('2026-11-30', '2026-11-29')).toEqual([]);
  });
});
