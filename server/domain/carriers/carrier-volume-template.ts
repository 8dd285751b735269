import { CarrierTemplateQuery } from '../../contracts/carrier-import.ts';
import { carrierReportScope, requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate } from '../../rules/time.ts';
import { csvField, TEMPLATE_HEADERS } from './carrier-import-columns.ts';

/**
 * A CSV to fill in and import: the header, then one row per town and product for the day,
 * the figure left blank (a row left blank is skipped on import). With a byte-order mark, so
 * Excel opens the Chinese text as UTF-8.
 */
export function carrierVolumeTemplate({ ctx, query }: { ctx: Ctx; query: unknown }): { filename: string; csv: string } {
  requireAccess(ctx, 'carrierCell.report');
  const q = parseInput(CarrierTemplateQuery, query);
  const issues = unknownCodeIssues(ctx.reference, { carrierCode: q.carrierCode });
  const today = businessDate(ctx.clock());
  if (q.date !== undefined && q.date > today) issues.push({ path: 'date', message: 'must not be a day that has not begun in Asia/Shanghai' });
  if (issues.length) throw DomainError.validation(issues);
  const carrierCode = carrierReportScope(ctx, q.carrierCode);
  const date = q.date ?? today;
  const carrier = ctx.reference.carriers.find((c) => c.code === carrierCode);
  const h = TEMPLATE_HEADERS;
  const lines: string[][] = [[h.date, h.townCode, h.productCode, h.carrierCode, h.parcels]];
  for (const town of ctx.reference.towns) for (const product of ctx.reference.products) lines.push([date, town.name, product.name, carrier?.name ?? '', '']);
  return {
    filename: `carrier-volumes-${carrierCode ?? 'template'}-${date}.csv`,
    csv: `\uFEFF${lines.map((cells) => cells.map(csvField).join(',')).join('\r\n')}\r\n`,
  };
}
