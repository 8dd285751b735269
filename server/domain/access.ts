import { allows, type Permission } from '../contracts/permissions.ts';
import type { Ctx } from './context.ts';
import { DomainError } from './errors.ts';

// Which role may perform which action is the table in server/contracts/permissions.ts; each
// route declares its action and is refused to other roles before anything is parsed. These
// checks are the second line, inside the verbs: the action again, by name, then the scope rules
// below, each refining a permission of the table to what of the data this actor may touch.

export function requireAccess(ctx: Ctx, permission: Permission): void {
  if (ctx.actor.role === null) throw new DomainError('UNAUTHORIZED', 'Log in or send an API token');
  if (!allows(ctx.actor.role, permission)) throw new DomainError('FORBIDDEN', `A ${ctx.actor.role} account may not do this`);
}

// ---------------------------------------------------------------------------------------------
// A cooperative account acts for its own cooperative only; the county's administrators for any.

/** The ledger writes a cooperative makes, which the cooperative scope refines. */
export const COOPERATIVE_WRITES = [
  'pickup.create',
  'pickup.void',
  'packagingRun.create',
  'packagingRun.void',
  'storageMovement.create',
  'storageMovement.void',
] as const satisfies readonly Permission[];
export type CooperativeWrite = (typeof COOPERATIVE_WRITES)[number];

/** Refines the cooperative writes: may this actor write records for this cooperative? */
export function canActForCooperative(ctx: Ctx, cooperativeId: string | null): boolean {
  const a = ctx.actor;
  return a.role === 'admin' || (a.role === 'cooperative' && a.cooperativeId === cooperativeId);
}

/**
 * Refines the cooperative writes: the cooperative whose records this actor is confined to, its
 * own for a cooperative account, null (any) for the county. Another cooperative's record is then
 * answered as if it did not exist.
 */
export function cooperativeScope(ctx: Ctx): string | null {
  return ctx.actor.role === 'cooperative' ? ctx.actor.cooperativeId : null;
}

export function requireCooperativeScope(ctx: Ctx, permission: CooperativeWrite, cooperativeId: string, path = 'cooperativeId'): void {
  requireAccess(ctx, permission);
  if (!canActForCooperative(ctx, cooperativeId))
    throw new DomainError('FORBIDDEN', 'This account may only record for its own cooperative', [{ path, message: 'not your cooperative' }]);
}

// ---------------------------------------------------------------------------------------------
// A carrier account reports its own carrier's figures only; the county's administrators any.

/** Refines 'carrierCell.report' for one figure: the refusal when this actor may not report for this carrier, else null. */
export function carrierReportRefusal(ctx: Ctx, carrierCode: string, path = 'carrierCode'): DomainError | null {
  const a = ctx.actor;
  if (a.role === 'carrier' && a.carrierCode !== carrierCode)
    return new DomainError('FORBIDDEN', 'This account may only report for its own carrier', [{ path, message: 'not your carrier' }]);
  return null;
}

/**
 * Refines 'carrierCell.report': the carrier this actor reports for, its own for a carrier
 * account, else the one requested (null for none). A carrier naming another is refused.
 */
export function carrierReportScope(ctx: Ctx, requested?: string, path = 'carrierCode'): string | null {
  requireAccess(ctx, 'carrierCell.report');
  const refusal = requested === undefined ? null : carrierReportRefusal(ctx, requested, path);
  if (refusal) throw refusal;
  return ctx.actor.role === 'carrier' ? ctx.actor.carrierCode : (requested ?? null);
}

// ---------------------------------------------------------------------------------------------
// Carriers' cell figures (carrier × town × day, and who reported or revised them) are each
// carrier's business: the county reads them all, a carrier its own, and nobody else any.
// Cooperatives see their own pickups and the dashboard's shares over a whole project.

/**
 * Refines 'carrierCell.read': the carrier whose cells this actor may read, null for all (the
 * county), its own for a carrier account. A carrier asking for another carrier's cells is
 * refused, never answered empty.
 */
export function carrierCellScope(ctx: Ctx, requested?: string, path = 'carrierCode'): string | null {
  requireAccess(ctx, 'carrierCell.read');
  const a = ctx.actor;
  if (a.role !== 'carrier') return requested ?? null;
  if (requested !== undefined && requested !== a.carrierCode)
    throw new DomainError('FORBIDDEN', "This account may only read its own carrier's figures", [{ path, message: 'not your carrier' }]);
  return a.carrierCode;
}

/**
 * Refines 'pickup.create': may this actor record a pickup in this town? A cooperative account
 * only in its own cooperative's registered town (a pickup elsewhere is another town's figure);
 * admins anywhere.
 */
export function canRecordInTown(ctx: Ctx, townCode: string): boolean {
  const a = ctx.actor;
  if (a.role !== 'cooperative') return true;
  // Unknown (an actor not resolved from credentials): refused rather than guessed.
  return a.cooperativeTownCode != null && a.cooperativeTownCode === townCode;
}
