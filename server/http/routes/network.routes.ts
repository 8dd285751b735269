import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, IdParams } from '../../contracts/common.ts';
import {
  CoverageQuery,
  CoverageSeries,
  CoverageTargetList,
  CoverageTargetsInput,
  CoverageView,
  ImportInput,
  ImportRejected,
  ImportResult,
  SeriesQuery,
  ServicePointHistory,
  ServicePointInput,
  ServicePointList,
  ServicePointListQuery,
  ServicePointPatch,
  ServicePointView,
  VillageCoverageList,
  VillageCoverageQuery,
  VillageHistory,
  VillageInput,
  VillageList,
  VillageListQuery,
  VillagePatch,
  VillageView,
} from '../../contracts/network.ts';
import type { ImportResult as ImportResultType } from '../../contracts/network.ts';
import { getCoverage } from '../../domain/network/get-coverage.ts';
import { getCoverageSeries } from '../../domain/network/get-coverage-series.ts';
import { getCoverageTargets, setCoverageTargets } from '../../domain/network/coverage-targets.ts';
import { createServicePoint } from '../../domain/network/create-service-point.ts';
import { createVillage } from '../../domain/network/create-village.ts';
import { importServicePoints } from '../../domain/network/import-service-points.ts';
import { importVillages } from '../../domain/network/import-villages.ts';
import { getServicePoint, listServicePoints } from '../../domain/network/list-service-points.ts';
import { listVillageCoverage } from '../../domain/network/list-village-coverage.ts';
import { getVillage, listVillages } from '../../domain/network/list-villages.ts';
import { servicePointHistory } from '../../domain/network/service-point-history.ts';
import { updateServicePoint } from '../../domain/network/update-service-point.ts';
import { updateVillage } from '../../domain/network/update-village.ts';
import { villageHistory } from '../../domain/network/village-history.ts';
import type { FastifyReply } from 'fastify';

const IMPORT_DESCRIPTION =
  'The file travels in the JSON body: `{ format: "csv" | "xlsx", content, dryRun }` (content: the CSV text, or the .xlsx file in base64; ' +
  'the first worksheet, a header row first). Every row is checked before anything is written: with any bad row the answer is 400 and ' +
  'nothing is written; `rowErrors` lists each problem as `{ row, field, message }`, rows numbered as a spreadsheet shows them (header = row 1). ' +
  'A dry run answers 200 with the plan (create / update / unchanged per row) and the same errors, and writes nothing.';

/** A rejected import: the standard error body, plus the errors row by row. */
function sendImport(reply: FastifyReply, result: ImportResultType) {
  if (result.ok || result.dryRun) return reply.code(200).send(result);
  const n = new Set(result.errors.map((e) => e.row)).size;
  return reply.code(400).send({
    error: {
      code: 'VALIDATION',
      message: `${n} row${n > 1 ? 's have' : ' has'} errors; nothing was written`,
      issues: result.errors.map((e) => ({ path: `rows.${e.row}${e.field ? `.${e.field}` : ''}`, message: e.message })),
    },
    rowErrors: result.errors,
  });
}

export const networkRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['network'];
  const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };

  // Villages (建制村 and 社区)
  app.get(
    '/villages',
    {
      config: { permission: 'network.read' },
      schema: { tags, summary: 'Villages and communities on record', querystring: VillageListQuery, response: { 200: VillageList, 400: ErrorBody } },
    },
    (req) => listVillages({ ctx: req.ctx, query: req.query }),
  );
  app.post(
    '/villages',
    {
      config: { permission: 'network.write' },
      schema: {
        tags,
        summary: 'Register a village or community (natural key: code)',
        body: VillageInput,
        response: { 200: VillageView, 201: VillageView, ...errors },
      },
    },
    async (req, reply) => {
      const { created, village } = await createVillage({ ctx: req.ctx, input: req.body });
      return reply.code(created ? 201 : 200).send(village);
    },
  );
  app.post(
    '/villages/import',
    {
      config: { permission: 'network.write' },
      schema: {
        tags,
        summary: 'Import villages from CSV or Excel (all rows or none)',
        description: IMPORT_DESCRIPTION,
        body: ImportInput,
        response: { 200: ImportResult, 400: ImportRejected, 409: ErrorBody },
      },
    },
    async (req, reply) => sendImport(reply, await importVillages({ ctx: req.ctx, input: req.body })),
  );
  app.get(
    '/villages/:id',
    { config: { permission: 'network.read' }, schema: { tags, params: IdParams, response: { 200: VillageView, 404: ErrorBody } } },
    (req) => getVillage({ ctx: req.ctx, id: req.params.id }),
  );
  app.patch(
    '/villages/:id',
    {
      config: { permission: 'network.write' },
      schema: {
        tags,
        summary: 'Change some fields of a village (every version is kept)',
        params: IdParams,
        body: VillagePatch,
        response: { 200: VillageView, ...errors },
      },
    },
    async (req) => (await updateVillage({ ctx: req.ctx, id: req.params.id, input: req.body })).village,
  );
  app.get(
    '/villages/:id/history',
    {
      config: { permission: 'network.read' },
      schema: { tags, summary: 'Every version of a village: who changed what, when', params: IdParams, response: { 200: VillageHistory, 404: ErrorBody } },
    },
    (req) => villageHistory({ ctx: req.ctx, id: req.params.id }),
  );

  // Service points: county hubs, town nodes, village stations
  app.get(
    '/service-points',
    {
      config: { permission: 'network.read' },
      schema: {
        tags,
        summary: 'Service points of the three-tier network',
        querystring: ServicePointListQuery,
        response: { 200: ServicePointList, 400: ErrorBody },
      },
    },
    (req) => listServicePoints({ ctx: req.ctx, query: req.query }),
  );
  app.post(
    '/service-points',
    {
      config: { permission: 'network.write' },
      schema: {
        tags,
        summary: 'Register a county hub, town node or village station (natural key: code)',
        body: ServicePointInput,
        response: { 200: ServicePointView, 201: ServicePointView, ...errors },
      },
    },
    async (req, reply) => {
      const { created, servicePoint } = await createServicePoint({ ctx: req.ctx, input: req.body });
      return reply.code(created ? 201 : 200).send(servicePoint);
    },
  );
  app.post(
    '/service-points/import',
    {
      config: { permission: 'network.write' },
      schema: {
        tags,
        summary: 'Import service points from CSV or Excel (all rows or none)',
        description: IMPORT_DESCRIPTION,
        body: ImportInput,
        response: { 200: ImportResult, 400: ImportRejected, 409: ErrorBody },
      },
    },
    async (req, reply) => sendImport(reply, await importServicePoints({ ctx: req.ctx, input: req.body })),
  );
  app.get(
    '/service-points/:id',
    { config: { permission: 'network.read' }, schema: { tags, params: IdParams, response: { 200: ServicePointView, 404: ErrorBody } } },
    (req) => getServicePoint({ ctx: req.ctx, id: req.params.id }),
  );
  app.patch(
    '/service-points/:id',
    {
      config: { permission: 'network.write' },
      schema: {
        tags,
        summary: 'Change some fields of a service point (close it by setting closedOn)',
        params: IdParams,
        body: ServicePointPatch,
        response: { 200: ServicePointView, ...errors },
      },
    },
    async (req) => (await updateServicePoint({ ctx: req.ctx, id: req.params.id, input: req.body })).servicePoint,
  );
  app.get(
    '/service-points/:id/history',
    {
      config: { permission: 'network.read' },
      schema: {
        tags,
        summary: 'Every version of a service point: who changed what, when',
        params: IdParams,
        response: { 200: ServicePointHistory, 404: ErrorBody },
      },
    },
    (req) => servicePointHistory({ ctx: req.ctx, id: req.params.id }),
  );

  // Coverage
  app.get(
    '/coverage',
    {
      config: { permission: 'network.read' },
      schema: {
        tags,
        summary: 'Village coverage on a date, by town and county, against the targets',
        description:
          'A village is covered on D when a service point serving it is open (openedOn <= D < closedOn); served only by villager proxy, it is counted apart. Communities are excluded. Villages with no data are listed, not counted as uncovered.',
        querystring: CoverageQuery,
        response: { 200: CoverageView, 400: ErrorBody },
      },
    },
    (req) => getCoverage({ ctx: req.ctx, query: req.query }),
  );
  app.get(
    '/coverage/series',
    {
      config: { permission: 'network.read' },
      schema: { tags, summary: 'Coverage over time (month ends or days)', querystring: SeriesQuery, response: { 200: CoverageSeries, 400: ErrorBody } },
    },
    (req) => getCoverageSeries({ ctx: req.ctx, query: req.query }),
  );
  app.get(
    '/coverage/villages',
    {
      config: { permission: 'network.read' },
      schema: {
        tags,
        summary: "Each village's coverage status on a date",
        querystring: VillageCoverageQuery,
        response: { 200: VillageCoverageList, 400: ErrorBody },
      },
    },
    (req) => listVillageCoverage({ ctx: req.ctx, query: req.query }),
  );
  app.get(
    '/coverage/targets',
    {
      config: { permission: 'network.read' },
      schema: { tags, summary: 'Coverage targets (seeded from the reference data)', response: { 200: CoverageTargetList } },
    },
    (req) => getCoverageTargets({ ctx: req.ctx }),
  );
  app.put(
    '/coverage/targets',
    {
      config: { permission: 'network.write' },
      schema: { tags, summary: 'Replace the coverage targets', body: CoverageTargetsInput, response: { 200: CoverageTargetList, 400: ErrorBody } },
    },
    (req) => setCoverageTargets({ ctx: req.ctx, input: req.body }),
  );
};
