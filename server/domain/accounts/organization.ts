import { eq } from 'drizzle-orm';
import { cooperatives } from '../../../db/schema/index.ts';
import type { Role } from '../../contracts/accounts.ts';
import type { Ctx } from '../context.ts';
import { DomainError } from '../errors.ts';

/** Resolves the `organization` of an account or token to the columns it is stored in. */
export async function resolveOrganization(
  ctx: Ctx,
  role: Role,
  organization: string | undefined,
): Promise<{ cooperativeId: string | null; carrierCode: string | null }> {
  if (role === 'cooperative') {
    const [c] = await ctx.db.select({ id: cooperatives.id }).from(cooperatives).where(eq(cooperatives.id, organization!));
    if (!c) throw DomainError.validation([{ path: 'organization', message: 'unknown cooperative' }]);
    return { cooperativeId: c.id, carrierCode: null };
  }
  if (role === 'carrier') {
    if (!ctx.reference.carrierCodes.has(organization!))
      throw DomainError.validation([{ path: 'organization', message: `unknown carrier code "${organization}"` }]);
    return { cooperativeId: null, carrierCode: organization! };
  }
  return { cooperativeId: null, carrierCode: null };
}
