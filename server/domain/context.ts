import type { Db, DatabaseKind } from '../../db/client.ts';
import type { Role } from '../contracts/accounts.ts';
import type { ChangeSink } from './changes.ts';
import type { Reference } from './reference/load-reference.ts';

/** Who is acting, resolved once per request (server/http/plugins/auth.ts) or per CLI run. */
export type Actor = {
  kind: 'anonymous' | 'system' | 'user' | 'token';
  /** Stable label written into the ledger and the audit trail as author: "user:alice", "token:…", "system". */
  label: string;
  role: Role | null;
  /** The organisation acted for: a cooperative account's cooperative, a carrier account's carrier. */
  cooperativeId: string | null;
  carrierCode: string | null;
  /** The town the cooperative is registered in (a cooperative account records pickups there only). */
  cooperativeTownCode?: string | null;
  userId?: string;
  tokenId?: string;
  sessionId?: string;
  ip?: string;
};

export const systemActor: Actor = { kind: 'system', label: 'system', role: 'admin', cooperativeId: null, carrierCode: null };

export const anonymousActor = (ip?: string): Actor => ({ kind: 'anonymous', label: 'anonymous', role: null, cooperativeId: null, carrierCode: null, ip });

export type Clock = () => Date;

/** Everything a domain verb needs; built once per request (or per CLI run). */
export type Ctx = {
  db: Db;
  databaseKind: DatabaseKind;
  actor: Actor;
  clock: Clock;
  /** Towns, carriers and products: seeded once and never renamed, so safe to hold in memory. */
  reference: Reference;
  /** Told of committed changes, for live updates. */
  changes?: ChangeSink;
};

/** The system clock, or one that started at `asOf` and runs on at the same pace (a demo's). */
export function clockFrom(asOf?: Date, now: () => number = Date.now): Clock {
  if (!asOf) return () => new Date(now());
  const offset = asOf.getTime() - now();
  return () => new Date(now() + offset);
}
