import type { Role } from '../contracts/accounts.ts';
import type { Ctx } from './context.ts';
import { DomainError } from './errors.ts';

// Route plugins gate each route by role before anything is parsed; these checks are the
// second line, inside the verbs: what this actor may touch of the data itself.

export function requireRole(ctx: Ctx, roles: readonly Role[]): void {
  if (ctx.actor.role === null) throw new DomainError('UNAUTHORIZED', 'Log in or send an API token');
  if (!roles.includes(ctx.actor.role)) throw new DomainError('FORBIDDEN', `A ${ctx.actor.role} account may not do this`);
}

/** May this actor write records for this cooperative? Admins may; a cooperative only for itself. */
export function canActForCooperative(ctx: Ctx, cooperativeId: string): boolean {
  const a = ctx.actor;
  return a.role === 'admin' || (a.role === 'cooperative' && a.cooperativeId === cooperativeId);
}

export function requireCooperativeScope(ctx: Ctx, cooperativeId: string, path = 'cooperativeId'): void {
  requireRole(ctx, ['admin', 'cooperative']);
  if (!canActForCooperative(ctx, cooperativeId))
    throw new DomainError('FORBIDDEN', 'This account may only record for its own cooperative', [{ path, message: 'not your cooperative' }]);
}

export function requireCarrierScope(ctx: Ctx, carrierCode: string, path = 'carrierCode'): void {
  requireRole(ctx, ['admin', 'carrier']);
  const a = ctx.actor;
  if (a.role === 'carrier' && a.carrierCode !== carrierCode)
    throw new DomainError('FORBIDDEN', 'This account may only report for its own carrier', [{ path, message: 'not your carrier' }]);
}

// ---------------------------------------------------------------------------------------------
// Carriers' cell figures (carrier × town × day, and who reported or revised them) are each
// carrier's business: the county reads them all, a carrier its own, and nobody else any.
// Cooperatives see their own pickups and the dashboard's shares over a whole project.

/** Who may read carriers' cell figures; the routes that show them declare this. */
export const CARRIER_CELL_READERS: readonly Role[] = ['admin', 'official', 'carrier'];

/**
 * The carrier whose cells this actor may read: null for all (the county), its own for a
 * carrier account. A carrier asking for another carrier's cells is refused, never answered empty.
 */
export function carrierCellScope(ctx: Ctx, requested?: string, path = 'carrierCode'): string | null {
  requireRole(ctx, CARRIER_CELL_READERS);
  const a = ctx.actor;
  if (a.role !== 'carrier') return requested ?? null;
  if (requested !== undefined && requested !== a.carrierCode)
    throw new DomainError('FORBIDDEN', "This account may only read its own carrier's figures", [{ path, message: 'not your carrier' }]);
  return a.carrierCode;
}

/**
 * May this actor record a pickup in this town? A cooperative account only in its own
 * cooperative's registered town (a pickup elsewhere is another town's figure); admins anywhere.
 */
export function canRecordInTown(ctx: Ctx, townCode: string): boolean {
  const a = ctx.actor;
  if (a.role !== 'cooperative') return true;
  // Unknown (an actor not resolved from credentials): refused rather than guessed.
  return a.cooperativeTownCode != null && a.cooperativeTownCode === townCode;
}
