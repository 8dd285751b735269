import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { villageVersions, villages } from '../../../db/schema/index.ts';
import { ImportInput, VillageInput, type ImportResult, type ImportRowError, type VillageRecord } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { nextTurn, yieldEvery } from '../yield-to-loop.ts';
import { cell, importResult, rowErrorsFrom, withoutNulls, zodRowErrors, type PlannedRow } from './import-support.ts';
import { changedFields, VILLAGE_FIELDS, villageRecord, type VillageRow } from './network-records.ts';
import { mapColumns, parseChoice, parseDate, parseTown, readSheet, rowValues, type Column } from './tabular.ts';
import { villageIssues, villageRecordFrom } from './village-rules.ts';

export const VILLAGE_COLUMNS: readonly Column[] = [
  { name: 'code', aliases: ['villageCode', '代码', '村代码', '区划代码', '统计用区划代码', '村居代码'], required: true },
  { name: 'townCode', aliases: ['town', '乡镇', '镇街', '乡镇街道', '所属乡镇', '乡镇代码'], required: true },
  { name: 'name', aliases: ['village', '名称', '村名', '村名称', '村居名称'], required: true },
  { name: 'kind', aliases: ['类型', '类别', '村居类型'] },
  { name: 'surveyStatus', aliases: ['survey', '调查状态', '通达调查'] },
  { name: 'surveyedOn', aliases: ['surveyDate', '调查日期'] },
  { name: 'dissolvedOn', aliases: ['撤并日期'] },
  { name: 'notes', aliases: ['note', '备注'] },
];

export const VILLAGE_KIND_NAMES = { village: ['建制村', '行政村', '村', '村委会'], community: ['社区', '居', '居委会', '城市社区'] } as const;
export const SURVEY_STATUS_NAMES = { unsurveyed: ['未调查', '未核实'], confirmed_uncovered: ['确认未通', '未通', '未通快递', 'uncovered'] } as const;

const CHUNK = 500;

/**
 * Imports villages from CSV or Excel: a row whose code is on record updates that village (only the
 * columns the file has), a new code creates one. Every row is checked first; if any row is bad,
 * nothing is written and every error is reported with its row number. `dryRun` plans without writing.
 */
export async function importVillages({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ImportResult> {
  requireAccess(ctx, 'network.write');
  const { format, content, dryRun } = parseInput(ImportInput, input);
  const sheet = await readSheet(format, content, VILLAGE_COLUMNS);
  const { index, errors } = mapColumns(sheet, VILLAGE_COLUMNS);
  const now = ctx.clock();
  const importId = randomUUID();

  return withTransaction(ctx, async (tx) => {
    // Locked, so the plan still holds when it is written; a village created meanwhile ends in a 409.
    const existing = await tx.select().from(villages).for('update');
    const byCode = new Map(existing.map((v) => [v.code, v]));
    const planned: (PlannedRow & { record: VillageRecord; current: VillageRow | undefined })[] = [];
    const firstRowOfCode = new Map<string, number>();

    if (errors.length === 0) {
      const breathe = yieldEvery();
      for (const { row, cells } of sheet.rows) {
        await breathe();
        if (cells.every((c) => c.trim() === '')) continue;
        const text = rowValues(cells, index);
        const rowErrors: ImportRowError[] = [];
        const values: Partial<Record<keyof VillageRecord, unknown>> = {
          code: text.get('code') || undefined,
          townCode: cell(rowErrors, row, 'townCode', text.get('townCode'), (s) => parseTown(s, ctx.reference.towns), undefined),
          name: text.get('name') || undefined,
          kind: cell(rowErrors, row, 'kind', text.get('kind'), (s) => parseChoice(s, VILLAGE_KIND_NAMES, '建制村 or 社区'), 'village'),
          surveyStatus: cell(
            rowErrors,
            row,
            'surveyStatus',
            text.get('surveyStatus'),
            (s) => parseChoice(s, SURVEY_STATUS_NAMES, '未调查 or 确认未通'),
            'unsurveyed',
          ),
          surveyedOn: cell(rowErrors, row, 'surveyedOn', text.get('surveyedOn'), parseDate, null),
          dissolvedOn: cell(rowErrors, row, 'dissolvedOn', text.get('dissolvedOn'), parseDate, null),
          notes: text.has('notes') ? text.get('notes') || null : undefined,
        };
        for (const k of Object.keys(values) as (keyof VillageRecord)[]) if (values[k] === undefined) delete values[k];
        const code = String(values.code ?? '');
        const current = byCode.get(code);
        const merged = withoutNulls({ ...(current ? villageRecord(current) : {}), ...values });
        const parsed = VillageInput.safeParse(merged);
        if (!parsed.success) rowErrors.push(...zodRowErrors(row, parsed.error, (f) => f));
        const seen = firstRowOfCode.get(code);
        if (code && seen !== undefined) rowErrors.push({ row, field: 'code', message: `is also on row ${seen}` });
        if (code && seen === undefined) firstRowOfCode.set(code, row);
        // Only report a parse error once per field: the schema would repeat it as "required".
        const seenFields = new Set<string>();
        const unique = rowErrors.filter((e) => !seenFields.has(e.field) && seenFields.add(e.field));
        errors.push(...unique);
        if (unique.length || !parsed.success) continue;
        const record = villageRecordFrom(parsed.data);
        errors.push(...rowErrorsFrom(row, villageIssues(ctx.reference, record), (f) => f));
        const action = !current ? 'create' : changedFields(villageRecord(current), record, VILLAGE_FIELDS).length ? 'update' : 'unchanged';
        planned.push({ row, code, action, id: current?.id ?? randomUUID(), record, current });
      }
      // One name per town, across the file and the villages it leaves as they are.
      const finalByCode = new Map(existing.map((v) => [v.code, { townCode: v.townCode, name: v.name, row: 0 }]));
      for (const p of planned) finalByCode.set(p.code, { townCode: p.record.townCode, name: p.record.name, row: p.row });
      const holders = new Map<string, { code: string; row: number }[]>();
      for (const [code, v] of finalByCode) {
        const key = `${v.townCode}\u0000${v.name}`;
        holders.set(key, [...(holders.get(key) ?? []), { code, row: v.row }]);
      }
      for (const list of holders.values()) {
        if (list.length < 2) continue;
        for (const h of list.filter((x) => x.row > 0)) {
          const others = list.filter((x) => x !== h).map((x) => (x.row > 0 ? `row ${x.row}` : `village ${x.code}`));
          errors.push({ row: h.row, field: 'name', message: `is already used in this town by ${others.join(', ')}` });
        }
      }
    }

    const rowCount = sheet.rows.filter((r) => r.cells.some((c) => c.trim() !== '')).length;
    if (errors.length || dryRun) return importResult({ importId, dryRun, planned, errors, rowCount });

    const stamp = { updatedAt: now, updatedBy: ctx.actor.label };
    const creates = planned.filter((p) => p.action === 'create');
    const versions: (typeof villageVersions.$inferInsert)[] = [];
    for (let i = 0; i < creates.length; i += CHUNK) {
      const inserted = await tx
        .insert(villages)
        .values(creates.slice(i, i + CHUNK).map((p) => ({ id: p.id!, ...p.record, version: 1, createdAt: now, createdBy: ctx.actor.label, ...stamp })))
        .returning();
      versions.push(...inserted.map((r) => versionRow(ctx, r, importId)));
      // PGlite runs each statement on this thread: a turn between them for the requests waiting.
      await nextTurn();
    }
    for (const p of planned.filter((x) => x.action === 'update')) {
      const [r] = await tx
        .update(villages)
        .set({ ...p.record, version: sql`${villages.version} + 1`, ...stamp })
        .where(eq(villages.id, p.id!))
        .returning();
      versions.push(versionRow(ctx, r, importId));
    }
    for (let i = 0; i < versions.length; i += CHUNK) {
      await tx.insert(villageVersions).values(versions.slice(i, i + CHUNK));
      await nextTurn();
    }
    const result = importResult({ importId, dryRun, planned, errors, rowCount });
    await writeAudit(tx, ctx, { action: 'village.import', targetType: 'import', targetId: importId, details: { format, ...result.summary } });
    return result;
  });
}

const versionRow = (ctx: Ctx, r: VillageRow, importId: string): typeof villageVersions.$inferInsert => ({
  villageId: r.id,
  version: r.version,
  changedAt: r.updatedAt,
  changedBy: ctx.actor.label,
  change: 'import',
  importId,
  record: villageRecord(r),
});
