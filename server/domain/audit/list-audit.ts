import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { AuditQuery } from '../../contracts/accounts.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { iso } from '../../rules/time.ts';

export async function listAudit({ ctx, query }: { ctx: Ctx; query: unknown }) {
  requireAccess(ctx, 'audit.read');
  const q = parseInput(AuditQuery, query);
  const where: SQL[] = [sql`true`];
  if (q.actor) where.push(sql`actor = ${q.actor}`);
  if (q.action) where.push(sql`action = ${q.action}`);
  if (q.targetType) where.push(sql`target_type = ${q.targetType}`);
  if (q.targetId) where.push(sql`target_id = ${q.targetId}`);
  if (q.from) where.push(sql`at >= ${q.from}::timestamptz`);
  if (q.to) where.push(sql`at < ${q.to}::timestamptz`);
  const rows = rowsOf<{
    id: number;
    at: Date | string;
    actor: string;
    role: string | null;
    user_id: string | null;
    token_id: string | null;
    session_id: string | null;
    ip: string | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    details: unknown;
  }>(
    await ctx.db.execute(sql`
      SELECT id::float8 AS id, at, actor, role, user_id::text AS user_id, token_id::text AS token_id, session_id::text AS session_id,
             ip, action, target_type, target_id, details
      FROM audit_log WHERE ${sql.join(where, sql` AND `)} ORDER BY id DESC LIMIT ${q.limit}`),
  );
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      at: iso(r.at),
      actor: r.actor,
      role: r.role,
      userId: r.user_id,
      tokenId: r.token_id,
      sessionId: r.session_id,
      ip: r.ip,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? null),
    })),
  };
}
