import { describe, expect, it } from 'vitest';
import { cellCountDelta, countCell, needsReconciliation } from '../../server/domain/ledger/counting.ts';

describe('countCell', () => {
  it('counts the cooperatives’ pickups as provisional until the carrier reports', () => {
    expect(countCell({ logged: 12, reported: null })).toEqual({ counted: 12, confirmed: 0, provisional: 12 });
    expect(countCell({ logged: 0, reported: null })).toEqual({ counted: 0, confirmed: 0, provisional: 0 });
  });

  it('counts only the carrier’s figure once it has reported, whatever was logged', () => {
    expect(countCell({ logged: 12, reported: 30 })).toEqual({ counted: 30, confirmed: 30, provisional: 0 });
    expect(countCell({ logged: 50, reported: 30 })).toEqual({ counted: 30, confirmed: 30, provisional: 0 });
  });

  it('treats a reported 0 as a report (the cell counts 0), not as "not reported"', () => {
    expect(countCell({ logged: 8, reported: 0 })).toEqual({ counted: 0, confirmed: 0, provisional: 0 });
  });

  it('never counts both parts', () => {
    for (const logged of [0, 1, 7, 1000]) {
      for (const reported of [null, 0, 3, 5000]) {
        const c = countCell({ logged, reported });
        expect(c.counted).toBe(c.confirmed + c.provisional);
        expect(c.confirmed === 0 || c.provisional === 0).toBe(true);
      }
    }
  });
});

describe('cellCountDelta', () => {
  it('moves the cell from provisional to confirmed on a first report', () => {
    expect(cellCountDelta({ logged: 10, reported: null }, { logged: 10, reported: 14 })).toEqual({ confirmed: 14, provisional: -10 });
  });

  it('changes only the confirmed part on a revision', () => {
    expect(cellCountDelta({ logged: 10, reported: 14 }, { logged: 10, reported: 9 })).toEqual({ confirmed: -5, provisional: 0 });
  });

  it('changes nothing when pickups are logged into a reported cell', () => {
    expect(cellCountDelta({ logged: 10, reported: 14 }, { logged: 25, reported: 14 })).toEqual({ confirmed: 0, provisional: 0 });
  });

  it('adds logged pickups to an unreported cell as provisional', () => {
    expect(cellCountDelta({ logged: 10, reported: null }, { logged: 13, reported: null })).toEqual({ confirmed: 0, provisional: 3 });
  });

  it('takes the whole provisional figure out when the carrier reports 0', () => {
    expect(cellCountDelta({ logged: 6, reported: null }, { logged: 6, reported: 0 })).toEqual({ confirmed: 0, provisional: -6 });
  });
});

describe('needsReconciliation', () => {
  it('flags only reported cells where more was logged than reported', () => {
    expect(needsReconciliation({ logged: 11, reported: 10 })).toBe(true);
    expect(needsReconciliation({ logged: 1, reported: 0 })).toBe(true);
    expect(needsReconciliation({ logged: 10, reported: 10 })).toBe(false);
    expect(needsReconciliation({ logged: 9, reported: 10 })).toBe(false);
    expect(needsReconciliation({ logged: 500, reported: null })).toBe(false);
  });
});
