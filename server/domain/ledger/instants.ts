import type { ErrorIssue } from '../../contracts/common.ts';
import type { Ctx } from '../context.ts';

// A phone's clock may run a little fast; anything further ahead is a typo, not an event.
export const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;
const EARLIEST = Date.parse('2015-01-01T00:00:00Z');

/** Issues for an event instant that cannot be real: in the future, or before Guoyun's data begins. */
export function assertNotFuture(ctx: Ctx, instant: Date, path: string): ErrorIssue[] {
  if (instant.getTime() > ctx.clock().getTime() + FUTURE_TOLERANCE_MS) return [{ path, message: 'must not be in the future' }];
  if (instant.getTime() < EARLIEST) return [{ path, message: 'must not be before 2015' }];
  return [];
}
