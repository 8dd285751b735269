import type { MeView } from '$contracts/accounts.ts';
import type { ListTab } from './filters.ts';
import type { AnyRecord } from './records-api.ts';

/**
 * Whether to offer the void action: the API's rule, mirrored so nobody is offered a button that
 * would be refused. Admins void anything; a cooperative its own pickups and packaging runs and
 * the movements of the stores it runs; officials and carriers nothing.
 */
export function canVoid(me: MeView | null | undefined, tab: ListTab, record: AnyRecord): boolean {
  if (!me || record.voided) return false;
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
