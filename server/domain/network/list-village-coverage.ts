import { VillageCoverageQuery, type CoverageStatus } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate } from '../../rules/time.ts';
import { isOpenOn, villageStatusOn } from './coverage-rule.ts';
import { loadNetworkFacts } from './network-records.ts';

/** Each village's status on a date and the open points serving it: the detail behind a town's figures. */
export async function listVillageCoverage({ ctx, query }: { ctx: Ctx; query: unknown }) {
  requireAccess(ctx, 'network.read');
  const q = parseInput(VillageCoverageQuery, query ?? {});
  const issues = [
    ...(q.brand ? unknownCodeIssues(ctx.reference, { carrierCode: q.brand }).map((i) => ({ ...i, path: 'brand' })) : []),
    ...(q.townCode ? unknownCodeIssues(ctx.reference, { townCode: q.townCode }) : []),
  ];
  if (issues.length) throw DomainError.validation(issues);
  const date = q.date ?? businessDate(ctx.clock());
  const brand = q.brand ?? null;
  const facts = await loadNetworkFacts(ctx.db);
  const codeOf = new Map(facts.points.map((p) => [p.id, p.code]));
  const items = facts.villages
    .filter((v) => !q.townCode || v.townCode === q.townCode)
    .map((v) => ({
      id: v.id,
      code: v.code,
      name: v.name,
      townCode: v.townCode,
      kind: v.kind,
      status: villageStatusOn(v, date, brand) as CoverageStatus,
      servedBy: v.servedBy
        .filter((p) => isOpenOn(p, date) && (!brand || p.brands.includes(brand)))
        .map((p) => ({ id: p.id, code: codeOf.get(p.id)!, mode: p.mode })),
    }))
    .filter((v) => !q.status || v.status === q.status);
  return { date, brand, items };
}
