import { z } from 'zod';
import { BusinessDate, Code, Text, TownCode, Uuid, items } from './common.ts';

// The three-tier network (县级有中心、镇级有节点、村级通快递) and village coverage.

export const VillageKind = z.enum(['village', 'community']).describe('"community" (社区/居委会) is not counted by coverage');
export type VillageKind = z.infer<typeof VillageKind>;
export const SurveyStatus = z
  .enum(['unsurveyed', 'confirmed_uncovered'])
  .describe(
    '"confirmed_uncovered": someone checked that no express service reaches the village; otherwise a village with no service point on record is "no data"',
  );
export type SurveyStatus = z.infer<typeof SurveyStatus>;
export const ServicePointKind = z.enum(['county_hub', 'town_node', 'village_station']).describe('县级中心 / 镇级节点 / 村级站点');
export type ServicePointKind = z.infer<typeof ServicePointKind>;
/** The reference data's cooperation modes (自营网点, 快快合作, 邮快合作, 快商合作, 村民代办). */
export const CooperationMode = z.enum(['own', 'courier_courier', 'postal_courier', 'courier_commerce', 'proxy']);
export type CooperationMode = z.infer<typeof CooperationMode>;

export const VillageCode = z.string().regex(/^\d{12}$/, 'must be a 12-digit village code such as 370323103201');
export const ServicePointCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'must be 1–40 letters, digits, dots, dashes or underscores');

const VillageFields = {
  code: VillageCode.describe('统计用区划代码: the town code followed by 3 digits; the natural key'),
  townCode: TownCode,
  name: Text(50),
  kind: VillageKind,
  surveyStatus: SurveyStatus,
  surveyedOn: BusinessDate.nullable().describe('required when surveyStatus is confirmed_uncovered'),
  dissolvedOn: BusinessDate.nullable().describe('撤并: not counted from this date on'),
  notes: Text(500).nullable(),
};

const surveyRule = (v: { surveyStatus?: SurveyStatus; surveyedOn?: string | null }) => v.surveyStatus !== 'confirmed_uncovered' || !!v.surveyedOn;
const surveyIssue = { path: ['surveyedOn'], message: 'is required when surveyStatus is confirmed_uncovered' };

export const VillageInput = z
  .strictObject({
    id: Uuid.optional().describe('optional client-chosen id; the natural key is code'),
    code: VillageFields.code,
    townCode: VillageFields.townCode,
    name: VillageFields.name,
    kind: VillageKind.default('village'),
    surveyStatus: SurveyStatus.default('unsurveyed'),
    surveyedOn: BusinessDate.optional(),
    dissolvedOn: BusinessDate.optional(),
    notes: Text(500).optional(),
  })
  .refine(surveyRule, surveyIssue);
export type VillageInput = z.infer<typeof VillageInput>;

export const VillagePatch = z.strictObject({
  expectedVersion: z.int().min(1).optional().describe('answer 409 unless the record is still at this version'),
  code: VillageFields.code.optional(),
  townCode: TownCode.optional(),
  name: Text(50).optional(),
  kind: VillageKind.optional(),
  surveyStatus: SurveyStatus.optional(),
  surveyedOn: BusinessDate.nullable().optional(),
  dissolvedOn: BusinessDate.nullable().optional(),
  notes: Text(500).nullable().optional(),
});
export type VillagePatch = z.infer<typeof VillagePatch>;

/** The fields a village version records (the view without its bookkeeping). */
export const VillageRecord = z.object(VillageFields);
export type VillageRecord = z.infer<typeof VillageRecord>;

const Bookkeeping = {
  version: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
};

export const VillageView = z.object({ id: Uuid, ...VillageFields, ...Bookkeeping });
export type VillageView = z.infer<typeof VillageView>;
export const VillageList = items(VillageView);

export const VillageListQuery = z.strictObject({
  townCode: TownCode.optional(),
  kind: VillageKind.optional(),
});

const ServicePointFields = {
  code: z.string().describe('chosen by the administrators, e.g. "DL-V-012"; the natural key'),
  name: z.string(),
  kind: ServicePointKind,
  townCode: z.string().nullable().describe('null only for a county hub (the development zone has no town code)'),
  mode: CooperationMode,
  upstreamId: Uuid.nullable().describe("where parcels go next: a station's town node, a node's county hub; required for a villager proxy"),
  operator: z.string(),
  brands: z.array(z.string()).describe('carrier codes served'),
  takesOutgoing: z.boolean().describe('accepts parcels to send (揽收), not only deliveries'),
  openingHours: z.string().nullable(),
  staff: z.number().int().nullable(),
  videoMonitoring: z.boolean(),
  coldChain: z.boolean(),
  openedOn: z.string(),
  closedOn: z.string().nullable().describe('open on D when openedOn <= D < closedOn'),
  address: z.string().nullable(),
  contact: z.string().nullable(),
  notes: z.string().nullable(),
  villageIds: z.array(Uuid).describe('the villages it serves'),
};

export const ServicePointRecord = z.object(ServicePointFields);
export type ServicePointRecord = z.infer<typeof ServicePointRecord>;
export const ServicePointView = z.object({ id: Uuid, ...ServicePointFields, ...Bookkeeping });
export type ServicePointView = z.infer<typeof ServicePointView>;
export const ServicePointList = items(ServicePointView);

const Brands = z.array(Code).min(1, 'must name at least one carrier').max(20);
const VillageIds = z.array(Uuid).max(200, 'must hold at most 200 villages');

export const ServicePointInput = z.strictObject({
  id: Uuid.optional().describe('optional client-chosen id; the natural key is code'),
  code: ServicePointCode,
  name: Text(100),
  kind: ServicePointKind,
  townCode: TownCode.optional(),
  mode: CooperationMode,
  upstreamId: Uuid.optional(),
  operator: Text(100),
  brands: Brands,
  takesOutgoing: z.boolean(),
  openingHours: Text(100).optional(),
  staff: z.int('must be an integer').min(0).max(10_000).optional(),
  videoMonitoring: z.boolean().default(false),
  coldChain: z.boolean().default(false),
  openedOn: BusinessDate,
  closedOn: BusinessDate.optional(),
  address: Text(200).optional(),
  contact: Text(100).optional(),
  notes: Text(500).optional(),
  villageIds: VillageIds.default([]),
});
export type ServicePointInput = z.infer<typeof ServicePointInput>;

export const ServicePointPatch = z.strictObject({
  expectedVersion: z.int().min(1).optional().describe('answer 409 unless the record is still at this version'),
  code: ServicePointCode.optional(),
  name: Text(100).optional(),
  kind: ServicePointKind.optional(),
  townCode: TownCode.nullable().optional(),
  mode: CooperationMode.optional(),
  upstreamId: Uuid.nullable().optional(),
  operator: Text(100).optional(),
  brands: Brands.optional(),
  takesOutgoing: z.boolean().optional(),
  openingHours: Text(100).nullable().optional(),
  staff: z.int('must be an integer').min(0).max(10_000).nullable().optional(),
  videoMonitoring: z.boolean().optional(),
  coldChain: z.boolean().optional(),
  openedOn: BusinessDate.optional(),
  closedOn: BusinessDate.nullable().optional(),
  address: Text(200).nullable().optional(),
  contact: Text(100).nullable().optional(),
  notes: Text(500).nullable().optional(),
  villageIds: VillageIds.optional().describe('replaces the set of villages served'),
});
export type ServicePointPatch = z.infer<typeof ServicePointPatch>;

export const ServicePointListQuery = z.strictObject({
  townCode: TownCode.optional(),
  kind: ServicePointKind.optional(),
  mode: CooperationMode.optional(),
  brand: Code.optional(),
  openOn: BusinessDate.optional().describe('only points open on this date'),
  villageId: Uuid.optional().describe('only points serving this village'),
});

const ChangeKind = z.enum(['create', 'update', 'import']);
const historyOf = <T extends z.ZodType>(record: T) =>
  z.object({
    id: Uuid,
    items: z.array(
      z.object({
        version: z.number().int(),
        changedAt: z.string(),
        changedBy: z.string(),
        change: ChangeKind,
        importId: z.string().nullable(),
        changedFields: z.array(z.string()).describe('fields that differ from the previous version'),
        record,
      }),
    ),
  });
export const VillageHistory = historyOf(VillageRecord);
export const ServicePointHistory = historyOf(ServicePointRecord);

// ---------------------------------------------------------------------------------------------
// Imports: a CSV or Excel file in a JSON body. All rows are written or none.

export const MAX_IMPORT_ROWS = 5000;

export const ImportInput = z.strictObject({
  format: z.enum(['csv', 'xlsx']),
  content: z
    .string()
    .min(1, 'must not be empty')
    .describe('csv: the text (UTF-8; a header row first); xlsx: the file, base64-encoded (the first worksheet is read, a header row first)'),
  dryRun: z.boolean().default(false).describe('check and plan every row, write nothing'),
});
export type ImportInput = z.infer<typeof ImportInput>;

export const ImportRowError = z.object({
  row: z.number().int().describe('the row number as a spreadsheet shows it: the header is row 1'),
  field: z.string().describe('the column (canonical name), or "" for the row as a whole'),
  message: z.string(),
  code: z.string().optional().describe('for a figure that could not be read: why, e.g. ambiguous_separator ("1,2"), so a client can word it in its language'),
  params: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .optional()
    .describe("what the code's message needs, e.g. { text: '1,2', why: 'group' }"),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportResult = z.object({
  importId: Uuid.nullable().describe('null for a dry run or a rejected file; otherwise the target of the audit row'),
  dryRun: z.boolean(),
  ok: z.boolean().describe('false when any row has an error: then nothing was written'),
  summary: z.object({ rows: z.number().int(), created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }),
  rows: z.array(z.object({ row: z.number().int(), code: z.string(), action: z.enum(['create', 'update', 'unchanged']), id: Uuid.nullable() })),
  errors: z.array(ImportRowError),
});
export type ImportResult = z.infer<typeof ImportResult>;

/** 400 for an import with bad rows: the standard error body plus the errors row by row. */
export const ImportRejected = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  rowErrors: z.array(ImportRowError).optional(),
});

// ---------------------------------------------------------------------------------------------
// Coverage

export const DenominatorSource = z
  .enum(['villages', 'reference', 'mixed'])
  .describe('"villages": the imported administrative villages; "reference": no villages imported, the reference village count; "mixed": some towns each way');

const Counts = {
  denominator: z.number().int().describe('administrative villages (建制村) counted: communities and dissolved villages excluded'),
  denominatorSource: DenominatorSource,
  covered: z.number().int().describe('served by an open service point other than a villager proxy'),
  coveredByProxy: z.number().int().describe('served only by villager proxy (村民代办) through the town service centre'),
  uncovered: z.number().int().describe('known to have no open service point on the date'),
  noData: z.number().int().describe('no service point on record and not confirmed uncovered (for a reference denominator: every village)'),
  rate: z.number().nullable().describe('covered / denominator, 0–1; null when the denominator is 0'),
  rateWithProxy: z.number().nullable().describe('(covered + coveredByProxy) / denominator'),
  label: z.string().describe('e.g. "52 / 64 建制村"'),
};

export const CoverageTownRow = z.object({
  townCode: z.string(),
  townName: z.string(),
  referenceVillageCount: z.number().int().describe('村/居 in the reference data (communities included)'),
  importedVillages: z.number().int().describe('villages on record in this town, communities included'),
  communitiesExcluded: z.number().int(),
  ...Counts,
  belowTarget: z.boolean().nullable().describe('below the applicable target (the next one due, or the last one)'),
});

export const NoDataVillage = z.object({ id: Uuid, code: z.string(), name: z.string(), townCode: z.string() });

export const TargetStatus = z.object({
  by: z.string(),
  rate: z.number(),
  countsProxy: z.boolean(),
  label: z.string().nullable(),
  achieved: z.number().nullable().describe('the county rate that counts for this target on the date'),
  status: z.enum(['met', 'open', 'missed']).describe('"open": not met yet and not due; "missed": not met and past due'),
});

export const CoverageView = z.object({
  date: z.string(),
  brand: z.string().nullable().describe('when set, only service points serving this carrier count (通达率)'),
  county: z.object({ ...Counts, communitiesExcluded: z.number().int() }),
  byTown: z.array(CoverageTownRow),
  network: z.object({
    countyHubsOpen: z.number().int(),
    townsWithNode: z.number().int(),
    townsWithoutNode: z.array(z.string()).describe('towns with no town node open on the date'),
  }),
  targets: z.array(TargetStatus),
  noDataVillages: z.array(NoDataVillage).describe('imported villages with no service point on record and not confirmed uncovered'),
  townsWithoutVillages: z.array(z.string()).describe('towns counted with the reference village count: none of their villages is named'),
  byBrand: z
    .array(
      z.object({
        carrierCode: z.string(),
        covered: z.number().int(),
        coveredByProxy: z.number().int(),
        rate: z.number().nullable(),
        rateWithProxy: z.number().nullable(),
        label: z.string(),
      }),
    )
    .describe('通达率 of every carrier, county-wide, on the same denominator'),
});
export type CoverageView = z.infer<typeof CoverageView>;

export const CoverageQuery = z.strictObject({
  date: BusinessDate.optional().describe('default: today (Asia/Shanghai)'),
  brand: Code.optional(),
});

export const CoverageStatus = z.enum(['covered', 'proxy', 'uncovered', 'no_data', 'excluded']);
export type CoverageStatus = z.infer<typeof CoverageStatus>;

export const VillageCoverageQuery = z.strictObject({
  date: BusinessDate.optional(),
  brand: Code.optional(),
  townCode: TownCode.optional(),
  status: CoverageStatus.optional(),
});
export const VillageCoverageList = z.object({
  date: z.string(),
  brand: z.string().nullable(),
  items: z.array(
    z.object({
      id: Uuid,
      code: z.string(),
      name: z.string(),
      townCode: z.string(),
      kind: VillageKind,
      status: CoverageStatus,
      servedBy: z.array(z.object({ id: Uuid, code: z.string(), mode: CooperationMode })).describe('service points open on the date that serve it'),
    }),
  ),
});

export const SeriesQuery = z.strictObject({
  from: BusinessDate.optional().describe('default: the month of the earliest opening on record'),
  to: BusinessDate.optional().describe('default: today'),
  interval: z.enum(['month', 'day']).default('month').describe('month: the last day of each month (and `to`); day: every day'),
  brand: Code.optional(),
  townCode: TownCode.optional().describe('one town instead of the county'),
});
export const SeriesPoint = z.object({
  date: z.string(),
  denominator: z.number().int(),
  covered: z.number().int(),
  coveredByProxy: z.number().int(),
  uncovered: z.number().int(),
  noData: z.number().int(),
  rate: z.number().nullable(),
  rateWithProxy: z.number().nullable(),
});
export const CoverageSeries = z.object({
  from: z.string(),
  to: z.string(),
  interval: z.enum(['month', 'day']),
  brand: z.string().nullable(),
  townCode: z.string().nullable(),
  denominatorSource: DenominatorSource,
  targets: z.array(z.object({ by: z.string(), rate: z.number(), countsProxy: z.boolean(), label: z.string().nullable() })),
  points: z.array(SeriesPoint),
});

export const CoverageTarget = z.strictObject({
  by: BusinessDate,
  rate: z
    .number()
    .gt(0, 'must be greater than 0')
    .max(1, 'must be at most 1 (100 %)')
    .refine((r) => Math.abs(r * 10_000 - Math.round(r * 10_000)) < 1e-6, 'must have at most 4 decimal places'),
  countsProxy: z.boolean().default(true).describe('villages served only by villager proxy count toward it'),
  label: Text(200).optional(),
});
export const CoverageTargetsInput = z
  .strictObject({ items: z.array(CoverageTarget).min(1, 'must hold at least one target').max(20) })
  .refine((t) => new Set(t.items.map((i) => i.by)).size === t.items.length, { path: ['items'], message: 'must not hold two targets for the same date' });
export type CoverageTargetsInput = z.infer<typeof CoverageTargetsInput>;
export const CoverageTargetView = z.object({
  by: z.string(),
  rate: z.number(),
  countsProxy: z.boolean(),
  label: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export const CoverageTargetList = items(CoverageTargetView);
