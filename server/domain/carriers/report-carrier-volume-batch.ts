import { CarrierVolumeBatchInput, type CarrierVolumeBatchResult, type CarrierVolumeInput } from '../../contracts/ledger.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { applyCarrierVolumes, cellKey, prepareCarrierVolume } from './report-carrier-volumes.ts';

/** Up to 5,000 carrier figures, each judged on its own; the valid ones are applied in one transaction. */
export async function reportCarrierVolumeBatch({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CarrierVolumeBatchResult> {
  requireAccess(ctx, 'carrierCell.report');
  const { items } = parseInput(CarrierVolumeBatchInput, input);
  const errors = new Map<number, DomainError>();
  const valid: { index: number; volume: CarrierVolumeInput }[] = [];
  const seen = new Map<string, number>();
  items.forEach((raw, index) => {
    const prepared = prepareCarrierVolume(ctx, raw, ['items', index]);
    if (!prepared.ok) return errors.set(index, prepared.error);
    const key = cellKey(prepared.volume);
    const first = seen.get(key);
    if (first !== undefined) {
      // Two figures for one cell in one file: which is meant cannot be guessed.
      return errors.set(index, DomainError.validation([{ path: `items.${index}`, message: `the same cell as item ${first}` }]));
    }
    seen.set(key, index);
    valid.push({ index, volume: prepared.volume });
  });
  const views = await applyCarrierVolumes(
    ctx,
    valid.map((v) => v.volume),
  );
  const byIndex = new Map(valid.map((v, i) => [v.index, views[i]]));
  const summary = { revised: 0, unchanged: 0, invalid: 0 };
  const results: CarrierVolumeBatchResult['results'] = items.map((_, index) => {
    const error = errors.get(index);
    if (error) {
      summary.invalid++;
      return { index, status: 'invalid' as const, error: { code: error.code, message: error.message, issues: error.issues } };
    }
    const volume = byIndex.get(index)!;
    const status = volume.changed ? ('revised' as const) : ('unchanged' as const);
    summary[status]++;
    return { index, status, volume };
  });
  return { results, summary };
}
