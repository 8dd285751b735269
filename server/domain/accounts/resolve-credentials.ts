import { sql } from 'drizzle-orm';
import { execPrepared } from '../../../db/client.ts';
import type { Role } from '../../contracts/accounts.ts';
import type { Actor, Ctx } from '../context.ts';
import { appNow, appNowPlusMinutes } from '../clock-sql.ts';
import { hashSecret } from './secrets.ts';

export type SessionActor = Actor & { csrfToken: string; username: string; displayName: string };

/**
 * The actor behind a session cookie, or null if it is unknown, revoked, expired, unused for
 * `idleMinutes` (by the app clock) or its user disabled. Use keeps it alive: `last_seen_at`
 * moves to the app clock's now, at most once a minute, so reading costs no write.
 */
export async function resolveSession(ctx: Ctx, secret: string, ip: string, idleMinutes: number): Promise<SessionActor | null> {
  const rows = await execPrepared<{
    session_id: string;
    csrf_token: string;
    user_id: string;
    username: string;
    display_name: string;
    role: Role;
    cooperative_id: string | null;
    carrier_code: string | null;
    cooperative_town_code: string | null;
    touch: boolean;
  }>(
    ctx.db,
    sql`
      SELECT s.id::text AS session_id, s.csrf_token, u.id::text AS user_id, u.username, u.display_name, u.role,
             u.cooperative_id::text AS cooperative_id, u.carrier_code, c.town_code AS cooperative_town_code,
             s.last_seen_at < ${appNowPlusMinutes(ctx, -1)} AS touch
      FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN cooperatives c ON c.id = u.cooperative_id
      WHERE s.secret_hash = ${hashSecret(secret)} AND s.revoked_at IS NULL AND s.expires_at > ${appNow(ctx)}
        AND s.last_seen_at > ${appNowPlusMinutes(ctx, -idleMinutes)} AND u.disabled_at IS NULL`,
  );
  const r = rows[0];
  if (!r) return null;
  if (r.touch) await ctx.db.execute(sql`UPDATE sessions SET last_seen_at = greatest(last_seen_at, ${appNow(ctx)}) WHERE id = ${r.session_id}::uuid`);
  return {
    kind: 'user',
    label: `user:${r.username}`,
    role: r.role,
    cooperativeId: r.cooperative_id,
    carrierCode: r.carrier_code,
    cooperativeTownCode: r.cooperative_town_code,
    userId: r.user_id,
    sessionId: r.session_id,
    ip,
    csrfToken: r.csrf_token,
    username: r.username,
    displayName: r.display_name,
  };
}

// Recording "last used" on every request would put a write on every read; once a minute
// per token and process is plenty to tell a live integration from a dead one.
const lastRecorded = new Map<string, number>();

/**
 * The actor behind an API token, or null if it is unknown or revoked.
 *
 * Tokens belong to the county, not to whoever issued them: a carrier's or cooperative's
 * integration keeps working when the administrator who set it up leaves. An admin token is
 * different: it holds that administrator's full powers, so it works only while the user who
 * issued it ("user:…" in created_by) is enabled. (Tokens issued by a token or by the system
 * have no user to follow.)
 */
export async function resolveToken(ctx: Ctx, secret: string, ip: string): Promise<(Actor & { tokenName: string }) | null> {
  const rows = await execPrepared<{
    id: string;
    name: string;
    role: Role;
    cooperative_id: string | null;
    carrier_code: string | null;
    cooperative_town_code: string | null;
  }>(
    ctx.db,
    sql`SELECT t.id::text AS id, t.name, t.role, t.cooperative_id::text AS cooperative_id, t.carrier_code, c.town_code AS cooperative_town_code
        FROM api_tokens t
        LEFT JOIN users issuer ON t.created_by LIKE 'user:%' AND issuer.username = substr(t.created_by, 6)
        LEFT JOIN cooperatives c ON c.id = t.cooperative_id
        WHERE t.secret_hash = ${hashSecret(secret)} AND t.revoked_at IS NULL
          AND NOT (t.role = 'admin' AND issuer.disabled_at IS NOT NULL)`,
  );
  const t = rows[0];
  if (!t) return null;
  const now = Date.now();
  if ((lastRecorded.get(t.id) ?? 0) < now - 60_000) {
    lastRecorded.set(t.id, now);
    await ctx.db.execute(sql`UPDATE api_tokens SET last_used_at = now(), last_used_ip = ${ip} WHERE id = ${t.id}::uuid`);
  }
  return {
    kind: 'token',
    label: `token:${t.name}`,
    role: t.role,
    cooperativeId: t.cooperative_id,
    carrierCode: t.carrier_code,
    cooperativeTownCode: t.cooperative_town_code,
    tokenId: t.id,
    ip,
    tokenName: t.name,
  };
}
