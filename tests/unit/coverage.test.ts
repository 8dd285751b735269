import { describe, expect, it } from 'vitest';
import { referenceData } from '../../db/seed/reference-data.ts';
import { CooperationMode } from '../../server/contracts/network.ts';
import {
  applicableTarget,
  coverageLabel,
  isOpenOn,
  rateOf,
  seriesDates,
  sumTallies,
  tallyByTown,
  targetStatus,
  villageStatusOn,
  type PointFacts,
  type VillageFacts,
} from '../../server/domain/network/coverage-rule.ts';

const point = (overrides: Partial<PointFacts> = {}): PointFacts => ({
  id: 'p',
  kind: 'village_station',
  mode: 'postal_courier',
  brands: ['ems', 'zto'],
  openedOn: '2020-06-15',
  closedOn: null,
  ...overrides,
});
const village = (overrides: Partial<VillageFacts> = {}): VillageFacts => ({
  id: 'v',
  townCode: '370323103',
  kind: 'village',
  surveyStatus: 'unsurveyed',
  dissolvedOn: null,
  servedBy: [],
  ...overrides,
});

describe('isOpenOn', () => {
  it('opens on the opening day and is closed from the closing day on', () => {
    const p = point({ openedOn: '2020-06-15', closedOn: '2021-03-01' });
    expect(isOpenOn(p, '2020-06-14')).toBe(false);
    expect(isOpenOn(p, '2020-06-15')).toBe(true);
    expect(isOpenOn(p, '2021-02-28')).toBe(true);
    expect(isOpenOn(p, '2021-03-01')).toBe(false);
    expect(isOpenOn(point({ closedOn: null }), '2099-01-01')).toBe(true);
  });
});

describe('villageStatusOn', () => {
  it('covers a village from the day its station opens to the day before it closes', () => {
    const v = village({ servedBy: [point({ openedOn: '2020-06-15', closedOn: '2021-03-01' })] });
    expect(villageStatusOn(v, '2020-06-14')).toBe('uncovered');
    expect(villageStatusOn(v, '2020-06-15')).toBe('covered');
    expect(villageStatusOn(v, '2021-02-28')).toBe('covered');
    expect(villageStatusOn(v, '2021-03-01')).toBe('uncovered');
  });

  it('counts a village served only by villager proxy apart, and as covered once a station serves it too', () => {
    const proxy = point({ id: 'x', mode: 'proxy', openedOn: '2020-01-01' });
    expect(villageStatusOn(village({ servedBy: [proxy] }), '2020-05-01')).toBe('proxy');
    const station = point({ openedOn: '2021-01-01' });
    const both = village({ servedBy: [proxy, station] });
    expect(villageStatusOn(both, '2020-12-31')).toBe('proxy');
    expect(villageStatusOn(both, '2021-01-01')).toBe('covered');
    expect(villageStatusOn(village({ servedBy: [proxy] }), '2019-12-31')).toBe('uncovered');
  });

  it('tells "no data" from "known uncovered"', () => {
    expect(villageStatusOn(village(), '2021-01-01')).toBe('no_data');
    expect(villageStatusOn(village({ surveyStatus: 'confirmed_uncovered' }), '2021-01-01')).toBe('uncovered');
    // A station on record that has not opened yet: the records say the village has no service then.
    expect(villageStatusOn(village({ servedBy: [point({ openedOn: '2022-01-01' })] }), '2021-01-01')).toBe('uncovered');
  });

  it('excludes communities, and dissolved villages from the dissolution date on', () => {
    expect(villageStatusOn(village({ kind: 'community', servedBy: [point()] }), '2021-01-01')).toBe('excluded');
    const merged = village({ dissolvedOn: '2021-07-01', servedBy: [point()] });
    expect(villageStatusOn(merged, '2021-06-30')).toBe('covered');
    expect(villageStatusOn(merged, '2021-07-01')).toBe('excluded');
  });

  it('per brand (通达率): only points serving that carrier count', () => {
    const v = village({ servedBy: [point({ brands: ['ems'] }), point({ id: 'y', mode: 'proxy', brands: ['zto'] })] });
    expect(villageStatusOn(v, '2021-01-01', 'ems')).toBe('covered');
    expect(villageStatusOn(v, '2021-01-01', 'zto')).toBe('proxy');
    expect(villageStatusOn(v, '2021-01-01', 'sf')).toBe('uncovered');
    expect(villageStatusOn(village(), '2021-01-01', 'sf')).toBe('no_data');
  });
});

describe('tallyByTown', () => {
  const towns = [
    { code: '370323103', referenceVillageCount: 64 },
    { code: '370323109', referenceVillageCount: 30 },
  ];
  it('counts imported villages, communities excluded; a town with none falls back to its reference count, all "no data"', () => {
    const villages = [
      village({ id: 'a', servedBy: [point()] }),
      village({ id: 'b', servedBy: [point({ mode: 'proxy' })] }),
      village({ id: 'c', surveyStatus: 'confirmed_uncovered' }),
      village({ id: 'd' }),
      village({ id: 'e', kind: 'community', servedBy: [point()] }),
    ];
    const [dongli, yanya] = tallyByTown(towns, villages, '2021-01-01');
    expect(dongli).toEqual({ townCode: '370323103', source: 'villages', denominator: 4, covered: 1, coveredByProxy: 1, uncovered: 1, noData: 1 });
    expect(yanya).toEqual({ townCode: '370323109', source: 'reference', denominator: 30, covered: 0, coveredByProxy: 0, uncovered: 0, noData: 30 });
    const county = sumTallies([dongli, yanya]);
    expect(county).toMatchObject({ denominator: 34, covered: 1, coveredByProxy: 1, source: 'mixed' });
    expect(sumTallies([dongli]).source).toBe('villages');
    expect(coverageLabel(52, 64, 'villages')).toBe('52 / 64 建制村');
    expect(coverageLabel(0, 30, 'reference')).toBe('0 / 30 建制村（参考数）');
  });
});

describe('targets', () => {
  const t80 = { by: '2020-12-31', rate: 0.8, countsProxy: true };
  const tally = (covered: number, coveredByProxy: number, denominator = 1000) => ({
    denominator,
    covered,
    coveredByProxy,
    uncovered: 0,
    noData: denominator - covered - coveredByProxy,
  });

  it('is met, open until its date, then missed; compared on the exact fraction', () => {
    expect(targetStatus(t80, tally(800, 0), '2020-12-31')).toEqual({ achieved: 0.8, status: 'met' });
    expect(targetStatus(t80, tally(799, 0), '2020-12-31')).toEqual({ achieved: 0.799, status: 'open' });
    expect(targetStatus(t80, tally(799, 0), '2021-01-01').status).toBe('missed');
    expect(targetStatus({ ...t80, rate: 0.8 }, tally(7999, 0, 10000), '2020-06-01').status).toBe('open');
  });

  it('counts proxy villages only when the target says so', () => {
    expect(targetStatus(t80, tally(700, 100), '2020-12-31').status).toBe('met');
    expect(targetStatus({ ...t80, countsProxy: false }, tally(700, 100), '2020-12-31')).toEqual({ achieved: 0.7, status: 'open' });
    expect(targetStatus(t80, tally(0, 0, 0), '2020-12-31')).toEqual({ achieved: null, status: 'open' });
  });

  it('applies the next target due, or the last one once all are past', () => {
    const targets = [{ by: '2021-12-31', rate: 1, countsProxy: true }, t80];
    expect(applicableTarget(targets, '2020-05-01')?.by).toBe('2020-12-31');
    expect(applicableTarget(targets, '2020-12-31')?.by).toBe('2020-12-31');
    expect(applicableTarget(targets, '2021-01-01')?.by).toBe('2021-12-31');
    expect(applicableTarget(targets, '2026-11-29')?.by).toBe('2021-12-31');
    expect(applicableTarget([], '2026-11-29')).toBeNull();
  });

  it('rounds rates to 4 places and has none for an empty denominator', () => {
    expect(rateOf(52, 64)).toBe(0.8125);
    expect(rateOf(1, 3)).toBe(0.3333);
    expect(rateOf(0, 0)).toBeNull();
  });
});

describe('seriesDates', () => {
  it('gives month ends, and the end date itself', () => {
    expect(seriesDates('2019-11-15', '2020-03-10', 'month')).toEqual(['2019-11-30', '2019-12-31', '2020-01-31', '2020-02-29', '2020-03-10']);
    expect(seriesDates('2021-01-01', '2021-02-28', 'month')).toEqual(['2021-01-31', '2021-02-28']);
    expect(seriesDates('2021-03-01', '2021-03-01', 'month')).toEqual(['2021-03-01']);
  });
  it('gives every day, leap days included', () => {
    expect(seriesDates('2020-02-27', '2020-03-01', 'day')).toEqual(['2020-02-27', '2020-02-28', '2020-02-29', '2020-03-01']);
    expect(seriesDates('2020-03-02', '2020-03-01', 'day')).toEqual([]);
  });
});

it('the contract knows exactly the cooperation modes of the reference data', () => {
  expect([...CooperationMode.options].sort()).toEqual(referenceData.cooperationModes.map((m) => m.code).sort());
});
