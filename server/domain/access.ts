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
