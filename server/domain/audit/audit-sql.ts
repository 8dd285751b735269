import { sql, type SQL } from 'drizzle-orm';
import { appNow } from '../clock-sql.ts';
import type { Ctx } from '../context.ts';
import type { Tx } from '../transaction.ts';

export type AuditEntry = { action: string; targetType?: string; targetId?: string; details?: unknown };

// The trail is read by date ("what happened on the 29th"), so its time is the app clock's, like
// every other business date; a demo running at another moment keeps a trail that agrees with it.
const actorColumns = (ctx: Ctx) => {
  const a = ctx.actor;
  return sql`${a.label}, ${a.role}, ${a.userId ?? null}::uuid, ${a.tokenId ?? null}::uuid, ${a.sessionId ?? null}::uuid, ${a.ip ?? null}`;
};

/** Writes one audit row inside the caller's transaction, so the record and its audit commit together. */
export async function writeAudit(tx: Tx | Ctx['db'], ctx: Ctx, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`
    INSERT INTO audit_log (at, actor, role, user_id, token_id, session_id, ip, action, target_type, target_id, details)
    VALUES (${appNow(ctx)}, ${actorColumns(ctx)}, ${entry.action}, ${entry.targetType ?? null}, ${entry.targetId ?? null},
            ${entry.details === undefined ? null : JSON.stringify(entry.details)}::jsonb)`);
}

/**
 * A CTE named `name` that writes an audit row for every row of CTE `from`, for single-statement
 * ledger writes: `targetId` is an SQL expression over `from`'s columns.
 */
export function auditCte(ctx: Ctx, name: string, action: string, targetType: string, from: string, targetId: SQL): SQL {
  return sql`
  ${sql.raw(name)} AS (
    INSERT INTO audit_log (at, actor, role, user_id, token_id, session_id, ip, action, target_type, target_id)
    SELECT ${appNow(ctx)}, ${actorColumns(ctx)}, ${action}, ${targetType}, ${targetId} FROM ${sql.raw(from)}
    RETURNING 1
  )`;
}
