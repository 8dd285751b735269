import { sql } from 'drizzle-orm';
import { execPrepared } from '../../../db/client.ts';
import type { Role } from '../../contracts/accounts.ts';
import type { Actor, Ctx } from '../context.ts';
import { appNow } from '../clock-sql.ts';
import { hashSecret } from './secrets.ts';

export type SessionActor = Actor & { csrfToken: string; username: string; displayName: string };

/** The actor behind a session cookie, or null if it is unknown, revoked, expired or its user disabled. */
export async function resolveSession(ctx: Ctx, secret: string, ip: string): Promise<SessionActor | null> {
  const rows = await execPrepared<{
    session_id: string; csrf_token: string; user_id: string; username: string; display_name: string;
    role: Role; cooperative_id: string | null; carrier_code: string | null;
  }>(
    ctx.db,
    sql`
      SELECT s.id::text AS session_id, s.csrf_token, u.id::text AS user_id, u.username, u.display_name, u.role,
             u.cooperative_id::text AS cooperative_id, u.carrier_code
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.secret_hash = ${hashSecret(secret)} AND s.revoked_at IS NULL AND s.expires_at > ${appNow(ctx)} AND u.disabled_at IS NULL`,
  );
  const r = rows[0];
  if (!r) return null;
  return {
    kind: 'user', label: `user:${r.username}`, role: r.role, cooperativeId: r.cooperative_id, carrierCode: r.carrier_code,
    userId: r.user_id, sessionId: r.session_id, ip, csrfToken: r.csrf_token, username: r.username, displayName: r.display_name,
  };
}

// Recording "last used" on every request would put a write on every read; once a minute
// per token and process is plenty to tell a live integration from a dead one.
const lastRecorded = new Map<string, number>();

/** The actor behind an API token, or null if it is unknown or revoked. */
export async function resolveToken(ctx: Ctx, secret: string, ip: string): Promise<(Actor & { tokenName: string }) | null> {
  const rows = await execPrepared<{ id: string; name: string; role: Role; cooperative_id: string | null; carrier_code: string | null }>(
    ctx.db,
    sql`SELECT id::text AS id, name, role, cooperative_id::text AS cooperative_id, carrier_code
        FROM api_tokens WHERE secret_hash = ${hashSecret(secret)} AND revoked_at IS NULL`,
  );
  const t = rows[0];
  if (!t) return null;
  const now = Date.now();
  if ((lastRecorded.get(t.id) ?? 0) < now - 60_000) {
    lastRecorded.set(t.id, now);
    await ctx.db.execute(sql`UPDATE api_tokens SET last_used_at = now(), last_used_ip = ${ip} WHERE id = ${t.id}::uuid`);
  }
  return {
    kind: 'token', label: `token:${t.name}`, role: t.role, cooperativeId: t.cooperative_id, carrierCode: t.carrier_code,
    tokenId: t.id, ip, tokenName: t.name,
  };
}
