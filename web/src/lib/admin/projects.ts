import { z } from 'zod';
import { ProjectInput, ProjectList, ProjectView, type ProjectTier } from '$contracts/projects.ts';
import type { ProductView, TownView } from '$contracts/reference.ts';
import { api } from '$lib/api/client.ts';

export type NewProject = z.input<typeof ProjectInput>;

export const listProjects = async () => (await api('/projects', ProjectList)).items;
export const createProject = (input: NewProject) => api('/projects', ProjectView, { method: 'POST', body: input });

/** The county's rule: each town runs 3–5 projects of a million parcels (百万件项目). */
export const TOWN_PROJECT_TARGET = 1_000_000;
export const TOWN_PROJECT_TIER: ProjectTier = 'bronze';
export const TOWN_PROJECTS_MIN = 3;
export const TOWN_PROJECTS_MAX = 5;
export const TIERS: readonly ProjectTier[] = ['gold', 'silver', 'bronze'];

export type Phase = 'upcoming' | 'running' | 'ended';
export const phaseOf = (p: { startsOn: string; endsOn: string }, today: string): Phase =>
  p.startsOn > today ? 'upcoming' : p.endsOn < today ? 'ended' : 'running';

/**
 * The product's shipping season (MM-DD bounds, possibly across New Year) running on `today`,
 * or else the next one: the default period of a new project.
 */
export function seasonFor(product: Pick<ProductView, 'season'>, today: string): { startsOn: string; endsOn: string; startYear: number; endYear: number } {
  const { from, to } = product.season;
  const year = Number(today.slice(0, 4));
  const crossesYear = to < from;
  for (const y of [year - 1, year, year + 1]) {
    const endYear = crossesYear ? y + 1 : y;
    const season = { startsOn: `${y}-${from}`, endsOn: `${endYear}-${to}`, startYear: y, endYear };
    if (season.endsOn >= today) return season;
  }
  return { startsOn: `${year}-${from}`, endsOn: `${crossesYear ? year + 1 : year}-${to}`, startYear: year, endYear: crossesYear ? year + 1 : year };
}

const years = (startsOn: string, endsOn: string, dash: string) =>
  startsOn.slice(0, 4) === endsOn.slice(0, 4) ? startsOn.slice(0, 4) : `${startsOn.slice(0, 4)}${dash}${endsOn.slice(0, 4)}`;

/** "yanya-cherry-2026": the town's pinyin (its English name without "Town"), the product, the years. */
export function suggestCode(town: TownView, product: ProductView, startsOn: string, endsOn: string): string {
  const place = town.nameEn
    .replace(/\s+(Town|Subdistrict)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const code = `${place}-${product.code}-${years(startsOn, endsOn, '-')}`.replace(/[^a-z0-9-]/g, '');
  return /^[a-z0-9]/.test(code) ? code.slice(0, 64) : `t-${code}`.slice(0, 64);
}

/** "燕崖镇樱桃百万件项目（2026）", as the county names them. */
export function suggestName(town: TownView, product: ProductView, startsOn: string, endsOn: string): string {
  const fruit = product.name.replace(/^沂源/, '');
  return `${town.name}${fruit}百万件项目（${years(startsOn, endsOn, '—')}）`;
}

/** "Yanya Town cherry million-parcel project, 2026". */
export function suggestNameEn(town: TownView, product: ProductView, startsOn: string, endsOn: string): string {
  const fruit = product.nameEn.replace(/^Yiyuan\s+/i, '');
  return `${town.nameEn} ${fruit} million-parcel project, ${years(startsOn, endsOn, '–')}`;
}
