import { apiTokens, users } from '../../../db/schema/index.ts';
import type { TokenView, UserView } from '../../contracts/accounts.ts';

export const toUserView = (u: typeof users.$inferSelect): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  cooperativeId: u.cooperativeId,
  carrierCode: u.carrierCode,
  disabled: u.disabledAt !== null,
  createdAt: u.createdAt.toISOString(),
});

export const toTokenView = (t: typeof apiTokens.$inferSelect): TokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
  cooperativeId: t.cooperativeId,
  carrierCode: t.carrierCode,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  createdBy: t.createdBy,
  revoked: t.revokedAt !== null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  lastUsedIp: t.lastUsedIp,
});
