import { ALL_ROLES } from '../plugins/auth.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../../contracts/common.ts';
import {
  CarrierVolumeBatchInput, CarrierVolumeBatchResult, CarrierVolumeBody, CarrierVolumeHistory, CarrierVolumeParams, CarrierVolumeView,
} from '../../contracts/ledger.ts';
import { carrierVolumeHistory } from '../../domain/carriers/carrier-volume-history.ts';
import { reportCarrierVolume } from '../../domain/carriers/report-carrier-volume.ts';
import { reportCarrierVolumeBatch } from '../../domain/carriers/report-carrier-volume-batch.ts';

export const carrierVolumeRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['carrier volumes'];
  const path = '/carrier-volumes/:carrierCode/:townCode/:productCode/:date';
  app.put(
    path,
    { config: { access: ['admin', 'carrier'] },
      schema: {
        tags,
        summary: "Set a carrier's cumulative figure for one business day",
        description: 'Each change is kept as a revision; re-sending the same figure adds nothing.',
        params: CarrierVolumeParams,
        body: CarrierVolumeBody,
        response: { 200: CarrierVolumeView, 400: ErrorBody },
      },
    },
    (req) => reportCarrierVolume({ ctx: req.ctx, params: req.params, input: req.body }),
  );
  app.get(`${path}/history`, { config: { access: ALL_ROLES }, schema: { tags, params: CarrierVolumeParams, response: { 200: CarrierVolumeHistory, 400: ErrorBody } } }, (req) =>
    carrierVolumeHistory({ ctx: req.ctx, params: req.params }),
  );
  app.post(
    '/carrier-volumes/batch',
    { config: { access: ['admin', 'carrier'] }, schema: { tags, summary: 'Up to 5,000 carrier figures, each judged on its own', body: CarrierVolumeBatchInput, response: { 200: CarrierVolumeBatchResult, 400: ErrorBody } } },
    (req) => reportCarrierVolumeBatch({ ctx: req.ctx, input: req.body }),
  );
};
