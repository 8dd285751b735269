import { CarrierVolumeBody, CarrierVolumeParams, type CarrierVolumeView } from '../../contracts/ledger.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { applyCarrierVolumes, prepareCarrierVolume } from './report-carrier-volumes.ts';

/** A carrier's cumulative figure for one cell (carrier × town × product × business day). */
export async function reportCarrierVolume({ ctx, params, input }: { ctx: Ctx; params: unknown; input: unknown }): Promise<CarrierVolumeView> {
  requireAccess(ctx, 'carrierCell.report');
  const cell = parseInput(CarrierVolumeParams, params);
  const body = parseInput(CarrierVolumeBody, input);
  const prepared = prepareCarrierVolume(ctx, { ...cell, ...body });
  if (!prepared.ok) throw prepared.error;
  const [view] = await applyCarrierVolumes(ctx, [prepared.volume]);
  return view;
}
