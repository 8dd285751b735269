import type { Db, DatabaseKind } from '../../db/client.ts';
import type { Reference } from './reference/load-reference.ts';

/**
 * Who is acting. Until accounts land every request acts as `anonymous`; the
 * accounts work replaces how an actor is resolved, not how verbs use it.
 */
export type Actor = {
  kind: 'anonymous' | 'system' | 'user' | 'token';
  /** Stable label written into the ledger as author: "user:alice", "token:7", "system". */
  label: string;
  ip?: string;
};

export const systemActor: Actor = { kind: 'system', label: 'system' };

export type Clock = () => Date;

/** Everything a domain verb needs; built once per request (or per CLI run). */
export type Ctx = {
  db: Db;
  databaseKind: DatabaseKind;
  actor: Actor;
  clock: Clock;
  /** Towns, carriers and products: seeded once and never renamed, so safe to hold in memory. */
  reference: Reference;
};
