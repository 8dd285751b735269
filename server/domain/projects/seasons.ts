export type Season = { startsOn: string; endsOn: string; startYear: number; endYear: number };

/**
 * The season (given as MM-DD bounds, possibly crossing New Year) that is running on
 * `today`, or else the next one to start.
 */
export function seasonRunningOrNext(window: { from: string; to: string }, today: string): Season {
  const year = Number(today.slice(0, 4));
  const crossesYear = window.to < window.from;
  for (const y of [year - 1, year, year + 1]) {
    const endYear = crossesYear ? y + 1 : y;
    const season = { startsOn: `${y}-${window.from}`, endsOn: `${endYear}-${window.to}`, startYear: y, endYear };
    if (season.endsOn >= today) return season;
  }
  throw new Error('unreachable: a season always ends within two years');
}
