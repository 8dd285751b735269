import type { MeView } from '$contracts/accounts.ts';
import { allows, type Permission } from '$contracts/permissions.ts';
import type { ListTab } from './filters.ts';
import type { AnyRecord } from './records-api.ts';

const VOID: Record<ListTab, Permission> = { pickups: 'pickup.void', packaging: 'packagingRun.void', storage: 'storageMovement.void' };

/**
 * Whether to offer the void action, so nobody is offered a button the API would refuse: the
 * role's permission from the server's table, then whether the record is within its scope.
 */
export function canVoid(me: MeView | null | undefined, tab: ListTab, record: AnyRecord): boolean {
  if (!me || record.voided) return false;
  return allows(me.role, VOID[tab]) && inCooperativeScope(me, tab, record);
}

/**
 * Mirrors the server's cooperative scope rule (canActForCooperative, cooperativeScope), which
 * the API applies in its queries and so cannot be shared: the county's administrators act on any
 * record; a cooperative on its own pickups and packaging runs and on the movements of the stores
 * it runs.
 */
export function inCooperativeScope(me: MeView, tab: ListTab, record: AnyRecord): boolean {
  if (me.role === 'admin') return true;
  if (me.role !== 'cooperative' || !me.cooperativeId) return false;
  if (tab === 'storage') return 'operatorCooperativeId' in record && record.operatorCooperativeId === me.cooperativeId;
  return 'cooperativeId' in record && record.cooperativeId === me.cooperativeId;
}

/** An author as the ledger names it ("user:coop", "token:…"): the account's own name for one's own. */
export function actorName(label: string, me: MeView | null | undefined): string {
  const name = label.replace(/^(user|token):/, '');
  return me?.username && label === `user:${me.username}` ? me.displayName : name;
}
