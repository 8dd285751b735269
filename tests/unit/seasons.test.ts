import { describe, expect, it } from 'vitest';
import { seasonRunningOrNext } from '../../server/domain/projects/seasons.ts';

const apple = { from: '08-20', to: '04-30' }; // crosses New Year
const cherry = { from: '04-01', to: '06-15' };

describe('seasonRunningOrNext', () => {
  it('finds the apple season running across New Year', () => {
    expect(seasonRunningOrNext(apple, '2026-11-29')).toEqual({ startsOn: '2026-08-20', endsOn: '2027-04-30', startYear: 2026, endYear: 2027 });
    // In March the season that began the previous August is still running.
    expect(seasonRunningOrNext(apple, '2027-03-01')).toEqual({ startsOn: '2026-08-20', endsOn: '2027-04-30', startYear: 2026, endYear: 2027 });
  });

  it('includes both end days and moves on the day after the season ends', () => {
    expect(seasonRunningOrNext(apple, '2027-04-30').startsOn).toBe('2026-08-20');
    expect(seasonRunningOrNext(apple, '2027-05-01')).toEqual({ startsOn: '2027-08-20', endsOn: '2028-04-30', startYear: 2027, endYear: 2028 });
    expect(seasonRunningOrNext(cherry, '2026-04-01').startsOn).toBe('2026-04-01');
    expect(seasonRunningOrNext(cherry, '2026-06-15').startsOn).toBe('2026-04-01');
  });

  it('gives the next season when none is running', () => {
    expect(seasonRunningOrNext(cherry, '2026-11-29')).toEqual({ startsOn: '2027-04-01', endsOn: '2027-06-15', startYear: 2027, endYear: 2027 });
    expect(seasonRunningOrNext(cherry, '2026-01-10')).toEqual({ startsOn: '2026-04-01', endsOn: '2026-06-15', startYear: 2026, endYear: 2026 });
    expect(seasonRunningOrNext(apple, '2026-06-01')).toEqual({ startsOn: '2026-08-20', endsOn: '2027-04-30', startYear: 2026, endYear: 2027 });
  });

  it('handles the last days of a year', () => {
    expect(seasonRunningOrNext(cherry, '2026-12-31').startsOn).toBe('2027-04-01');
    expect(seasonRunningOrNext(apple, '2026-12-31').startsOn).toBe('2026-08-20');
    expect(seasonRunningOrNext(apple, '2027-01-01').startsOn).toBe('2026-08-20');
  });
});
