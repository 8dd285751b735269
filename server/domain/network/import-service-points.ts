import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { servicePointVersions, servicePointVillages, servicePoints, villages } from '../../../db/schema/index.ts';
import { referenceData } from '../../../db/seed/reference-data.ts';
import { ImportInput, ServicePointInput, type ImportResult, type ImportRowError, type ServicePointRecord } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { nextTurn, yieldEvery } from '../yield-to-loop.ts';
import { cell, importResult, rowErrorsFrom, withoutNulls, zodRowErrors, type PlannedRow } from './import-support.ts';
import { changedFields, SERVICE_POINT_FIELDS, servicePointRecord, villageIdsByPoint, type ServicePointRow } from './network-records.ts';
import { loadPointLinks, servicePointIssues, servicePointRecordFrom, type PointLink } from './service-point-rules.ts';
import {
  CellError,
  mapColumns,
  parseCarrier,
  parseChoice,
  parseDate,
  parseInteger,
  parseTown,
  parseYesNo,
  readSheet,
  rowValues,
  splitList,
  type Column,
} from './tabular.ts';

export const SERVICE_POINT_COLUMNS: readonly Column[] = [
  { name: 'code', aliases: ['站点编码', '编码', '网点编码', '站点代码'], required: true },
  { name: 'name', aliases: ['名称', '站点名称', '网点名称'] },
  { name: 'kind', aliases: ['层级', '站点层级', '级别', '站点类型'] },
  { name: 'townCode', aliases: ['town', '乡镇', '镇街', '所属乡镇'] },
  { name: 'mode', aliases: ['cooperationMode', '合作模式', '模式'] },
  { name: 'upstreamCode', aliases: ['upstream', '上级', '上级站点', '上级编码', '服务中心'] },
  { name: 'operator', aliases: ['运营主体', '运营方', '经营者'] },
  { name: 'brands', aliases: ['carriers', '品牌', '快递品牌', '合作品牌'] },
  { name: 'takesOutgoing', aliases: ['outgoing', '揽收', '寄件', '收寄'] },
  { name: 'openingHours', aliases: ['hours', '营业时间'] },
  { name: 'staff', aliases: ['人员', '人数', '从业人员'] },
  { name: 'videoMonitoring', aliases: ['video', '视频监控', '监控'] },
  { name: 'coldChain', aliases: ['冷链', '冷链能力'] },
  { name: 'openedOn', aliases: ['opened', '开业日期', '开通日期', '启用日期'] },
  { name: 'closedOn', aliases: ['closed', '关闭日期', '停业日期'] },
  { name: 'address', aliases: ['地址'] },
  { name: 'contact', aliases: ['phone', '联系方式', '联系电话', '电话'] },
  { name: 'notes', aliases: ['note', '备注'] },
  { name: 'villages', aliases: ['villageCodes', 'servedVillages', '服务村', '服务村居', '覆盖村'] },
];

export const SERVICE_POINT_KIND_NAMES = {
  county_hub: ['县级中心', '县级', '县级分拨中心', '分拨中心', 'hub'],
  town_node: ['镇级节点', '镇级', '乡镇节点', '乡镇服务中心', 'node'],
  village_station: ['村级站点', '村级', '村级服务站', '村站', 'station'],
} as const;

const modeNames = Object.fromEntries(referenceData.cooperationModes.map((m) => [m.code, [m.name, m.nameEn, m.name.replace(/(网点|合作)$/, '')]])) as Record<
  ServicePointRecord['mode'],
  string[]
>;
modeNames.proxy.push('代办');

// File columns that name a record field differently (they hold codes, the record ids).
const COLUMN_OF_FIELD: Record<string, string> = { upstreamId: 'upstreamCode', villageIds: 'villages' };
const columnOf = (field: string) => COLUMN_OF_FIELD[field] ?? field;
const TIER = { county_hub: 0, town_node: 1, village_station: 2 } as const;
const CHUNK = 500;

type Planned = PlannedRow & { id: string; record: ServicePointRecord; current: ServicePointRow | undefined; currentVillages: string[] };

/**
 * Imports service points from CSV or Excel, keyed by `code`: a known code updates that point (only
 * the columns the file has), a new one creates it. `upstreamCode` names a point on record or in the
 * same file; `villages` lists village codes, or names within the point's town. Every row is checked
 * first; if any row is bad nothing is written. `dryRun` plans without writing.
 */
export async function importServicePoints({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ImportResult> {
  requireAccess(ctx, 'network.write');
  const { format, content, dryRun } = parseInput(ImportInput, input);
  const sheet = await readSheet(format, content, SERVICE_POINT_COLUMNS);
  const { index, errors } = mapColumns(sheet, SERVICE_POINT_COLUMNS);
  const now = ctx.clock();
  const importId = randomUUID();

  // 5,000 rows checked against every point take a few hundred milliseconds: other requests go first now and then.
  const breathe = yieldEvery();
  return withTransaction(ctx, async (tx) => {
    const existing = await tx.select().from(servicePoints).for('update');
    const byCode = new Map(existing.map((p) => [p.code, p]));
    const links = await villageIdsByPoint(tx);
    const villageRows = await tx.select({ id: villages.id, code: villages.code, townCode: villages.townCode, name: villages.name }).from(villages);
    const villageByCode = new Map(villageRows.map((v) => [v.code, v.id]));
    const villageByTownName = new Map(villageRows.map((v) => [`${v.townCode}\u0000${v.name}`, v.id]));
    const villageIds = new Set(villageRows.map((v) => v.id));

    // First pass: the cells of every row, and an id for every code (so rows may name each other).
    type Parsed = {
      row: number;
      code: string;
      values: Record<string, unknown>;
      upstreamCode?: string | null;
      villageTokens?: string[];
      rowErrors: ImportRowError[];
    };
    const parsedRows: Parsed[] = [];
    const idOfCode = new Map(existing.map((p) => [p.code, p.id]));
    const firstRowOfCode = new Map<string, number>();
    if (errors.length === 0) {
      for (const { row, cells } of sheet.rows) {
        await breathe();
        if (cells.every((c) => c.trim() === '')) continue;
        const text = rowValues(cells, index);
        const rowErrors: ImportRowError[] = [];
        const c = <T, E>(field: string, parse: (s: string) => T, empty: E) => cell(rowErrors, row, field, text.get(field), parse, empty);
        const raw = (field: string) => (text.has(field) ? text.get(field) || null : undefined);
        const values: Record<string, unknown> = {
          code: text.get('code') || undefined,
          name: raw('name'),
          kind: c('kind', (s) => parseChoice(s, SERVICE_POINT_KIND_NAMES, '县级中心, 镇级节点 or 村级站点'), null),
          townCode: c('townCode', (s) => parseTown(s, ctx.reference.towns), null),
          mode: c('mode', (s) => parseChoice(s, modeNames, referenceData.cooperationModes.map((m) => m.name).join(', ')), null),
          operator: raw('operator'),
          brands: c(
            'brands',
            (s) => {
              const bad: string[] = [];
              const codes = splitList(s).flatMap((b) => {
                try {
                  return [parseCarrier(b, ctx.reference.carriers)];
                } catch {
                  bad.push(b);
                  return [];
                }
              });
              if (bad.length) throw new CellError(`unknown carrier${bad.length > 1 ? 's' : ''}: ${bad.join(', ')}`);
              return [...new Set(codes)];
            },
            [],
          ),
          takesOutgoing: c('takesOutgoing', parseYesNo, null),
          openingHours: raw('openingHours'),
          staff: c('staff', parseInteger, null),
          videoMonitoring: c('videoMonitoring', parseYesNo, false),
          coldChain: c('coldChain', parseYesNo, false),
          openedOn: c('openedOn', parseDate, null),
          closedOn: c('closedOn', parseDate, null),
          address: raw('address'),
          contact: raw('contact'),
          notes: raw('notes'),
        };
        for (const k of Object.keys(values)) if (values[k] === undefined) delete values[k];
        const code = String(values.code ?? '').trim();
        if (code) {
          const seen = firstRowOfCode.get(code);
          if (seen !== undefined) rowErrors.push({ row, field: 'code', message: `is also on row ${seen}` });
          else {
            firstRowOfCode.set(code, row);
            if (!idOfCode.has(code)) idOfCode.set(code, randomUUID());
          }
        }
        parsedRows.push({
          row,
          code,
          values,
          rowErrors,
          upstreamCode: text.has('upstreamCode') ? text.get('upstreamCode') || null : undefined,
          villageTokens: text.has('villages') ? splitList(text.get('villages')!) : undefined,
        });
      }
    }

    // Second pass: references resolved, each row's record checked on its own.
    const planned: Planned[] = [];
    for (const p of parsedRows) {
      await breathe();
      const { row, code, values, rowErrors } = p;
      const current = byCode.get(code);
      const currentVillages = current ? (links.get(current.id) ?? []) : [];
      const base = current ? servicePointRecord(current, currentVillages) : {};
      if (p.upstreamCode !== undefined) {
        if (p.upstreamCode === null) values.upstreamId = null;
        else if (idOfCode.has(p.upstreamCode)) values.upstreamId = idOfCode.get(p.upstreamCode);
        else rowErrors.push({ row, field: 'upstreamCode', message: `unknown service point "${p.upstreamCode}"` });
      }
      if (p.villageTokens !== undefined) {
        const town = (values.townCode ?? (base as Partial<ServicePointRecord>).townCode ?? null) as string | null;
        const unknown: string[] = [];
        values.villageIds = p.villageTokens.flatMap((t) => {
          const id = /^\d{12}$/.test(t) ? villageByCode.get(t) : town ? villageByTownName.get(`${town}\u0000${t}`) : undefined;
          if (!id) unknown.push(t);
          return id ? [id] : [];
        });
        if (unknown.length)
          rowErrors.push({
            row,
            field: 'villages',
            message: `unknown village${unknown.length > 1 ? 's' : ''}${town ? ' in this town' : ''}: ${unknown.join(', ')}`,
          });
      }
      const merged = withoutNulls({ ...base, ...values });
      const parsed = ServicePointInput.safeParse(merged);
      if (!parsed.success) rowErrors.push(...zodRowErrors(row, parsed.error, columnOf));
      const seenFields = new Set<string>();
      const unique = rowErrors.filter((e) => !seenFields.has(e.field) && seenFields.add(e.field));
      errors.push(...unique);
      if (unique.length || !parsed.success) continue;
      const record = servicePointRecordFrom(ctx.reference, parsed.data);
      const action = !current
        ? 'create'
        : changedFields(servicePointRecord(current, currentVillages), record, SERVICE_POINT_FIELDS).length
          ? 'update'
          : 'unchanged';
      planned.push({ row, code, action, id: idOfCode.get(code)!, record, current, currentVillages });
    }

    // Third pass: the rules between points, on the network as the file leaves it.
    if (errors.length === 0) {
      const points: Map<string, PointLink> = await loadPointLinks(tx);
      for (const p of planned)
        points.set(p.id, { id: p.id, code: p.code, kind: p.record.kind, townCode: p.record.townCode, mode: p.record.mode, upstreamId: p.record.upstreamId });
      for (const p of planned) {
        await breathe();
        if (p.action === 'unchanged') continue;
        errors.push(
          ...rowErrorsFrom(
            p.row,
            servicePointIssues(ctx.reference, p.id, p.record, points, (v) => villageIds.has(v)),
            columnOf,
          ),
        );
      }
    }

    const rowCount = parsedRows.length;
    if (errors.length || dryRun) return importResult({ importId, dryRun, planned, errors, rowCount });

    // Hubs, then nodes, then stations: an upstream is always written before the points naming it.
    const versions: (typeof servicePointVersions.$inferInsert)[] = [];
    const stamp = { updatedAt: now, updatedBy: ctx.actor.label };
    for (const tier of [0, 1, 2]) {
      const inTier = planned.filter((p) => TIER[p.record.kind] === tier);
      const creates = inTier.filter((p) => p.action === 'create');
      for (let i = 0; i < creates.length; i += CHUNK) {
        const chunk = creates.slice(i, i + CHUNK);
        const inserted = await tx
          .insert(servicePoints)
          .values(
            chunk.map((p) => {
              const { villageIds: _ids, ...columns } = p.record;
              return { id: p.id, ...columns, version: 1, createdAt: now, createdBy: ctx.actor.label, ...stamp };
            }),
          )
          .returning();
        const recordOf = new Map(chunk.map((p) => [p.id, p.record]));
        versions.push(...inserted.map((r) => versionRow(ctx, r, recordOf.get(r.id)!.villageIds, importId)));
        // PGlite runs each statement on this thread: a turn between them for the requests waiting.
        await nextTurn();
      }
      for (const p of inTier.filter((x) => x.action === 'update')) {
        const { villageIds: _ids, ...columns } = p.record;
        const [r] = await tx
          .update(servicePoints)
          .set({ ...columns, version: sql`${servicePoints.version} + 1`, ...stamp })
          .where(eq(servicePoints.id, p.id))
          .returning();
        versions.push(versionRow(ctx, r, p.record.villageIds, importId));
      }
    }
    const relinked = planned.filter((p) => p.action !== 'unchanged' && JSON.stringify(p.record.villageIds) !== JSON.stringify([...p.currentVillages].sort()));
    const dropFrom = relinked.filter((p) => p.action === 'update').map((p) => p.id);
    if (dropFrom.length) await tx.delete(servicePointVillages).where(inArray(servicePointVillages.servicePointId, dropFrom));
    const newLinks = relinked.flatMap((p) => p.record.villageIds.map((villageId) => ({ servicePointId: p.id, villageId })));
    for (let i = 0; i < newLinks.length; i += CHUNK) {
      await tx.insert(servicePointVillages).values(newLinks.slice(i, i + CHUNK));
      await nextTurn();
    }
    for (let i = 0; i < versions.length; i += CHUNK) {
      await tx.insert(servicePointVersions).values(versions.slice(i, i + CHUNK));
      await nextTurn();
    }

    const result = importResult({ importId, dryRun, planned, errors, rowCount });
    await writeAudit(tx, ctx, { action: 'service-point.import', targetType: 'import', targetId: importId, details: { format, ...result.summary } });
    return result;
  });
}

const versionRow = (ctx: Ctx, r: ServicePointRow, villageIds: string[], importId: string): typeof servicePointVersions.$inferInsert => ({
  servicePointId: r.id,
  version: r.version,
  changedAt: r.updatedAt,
  changedBy: ctx.actor.label,
  change: 'import',
  importId,
  record: servicePointRecord(r, villageIds),
});
