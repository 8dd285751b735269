import type { Role } from './accounts.ts';

// Who may do what: the one table. Routes declare the action they perform (config.permission,
// refused by server/http/plugins/auth.ts before the body is read), verbs check it again by name
// (requireAccess in server/domain/access.ts), the web app's navigation reads it, and
// tests/api/access-matrix.test.ts iterates it. What of the data a role may touch once allowed
// (its own cooperative, carrier or town) is a scope rule beside requireAccess, which names the
// permission it refines. Browser-safe: it imports nothing but a type.

/** Every login. Spelt out rather than taken from the Role enum, so a new role gets nothing until it is listed. */
const ANY_LOGIN = ['admin', 'official', 'cooperative', 'carrier'] as const satisfies readonly Role[];

export const PERMISSIONS = {
  'session.read': ANY_LOGIN,
  'session.end': ANY_LOGIN,
  'live.subscribe': ANY_LOGIN,

  'user.read': ['admin'],
  'user.create': ['admin'],
  /** Disable, enable, reset the password. */
  'user.update': ['admin'],
  'token.read': ['admin'],
  'token.create': ['admin'],
  'token.revoke': ['admin'],
  // Officials oversee the campaign, so they see who recorded and changed what; the accounts stay the administrators'.
  'audit.read': ['admin', 'official'],

  // The dashboard's frame (towns, carriers, products, who runs which store, the projects and
  // their progress): every login reads it, only the county's administrators set it up.
  'reference.read': ANY_LOGIN,
  'cooperative.read': ANY_LOGIN,
  'cooperative.create': ['admin'],
  'storageFacility.read': ANY_LOGIN,
  'storageFacility.create': ['admin'],
  'project.read': ANY_LOGIN,
  'project.create': ['admin'],
  'stock.read': ANY_LOGIN,

  // The ledger. Officials watch and record nothing: every figure in it is what a cooperative or
  // carrier reported, or an administrator's correction of one. A cooperative acts only for its own
  // cooperative and records pickups only in its own town (canActForCooperative, canRecordInTown).
  /** Each sees its own: a cooperative its pickups, a carrier those handed to it, the county all. */
  'pickup.read': ANY_LOGIN,
  'pickup.create': ['admin', 'cooperative'],
  'pickup.void': ['admin', 'cooperative'],
  // Carriers hand over no packaging run or stored fruit, so they are shown neither.
  'packagingRun.read': ['admin', 'official', 'cooperative'],
  'packagingRun.create': ['admin', 'cooperative'],
  'packagingRun.void': ['admin', 'cooperative'],
  'storageMovement.read': ['admin', 'official', 'cooperative'],
  'storageMovement.create': ['admin', 'cooperative'],
  'storageMovement.void': ['admin', 'cooperative'],

  // Carriers' figures by carrier × town × day, and who revised them: a carrier's daily volume in
  // a town is commercially sensitive to its competitors, so a carrier reads and reports only its
  // own cells (carrierCellScope, carrierReportScope). Cooperatives see the dashboard's carrier
  // shares over a whole project, never the cells.
  'carrierCell.read': ['admin', 'official', 'carrier'],
  'carrierCell.report': ['admin', 'carrier'],

  // Briefings (简报) are the leading group's internal documents, every town's and carrier's
  // figures side by side: not for the cooperatives and carriers, who otherwise see their own.
  'briefing.read': ['admin', 'official'],
  /** Issue, and preview what would be issued. */
  'briefing.issue': ['admin', 'official'],

  // The delivery network (villages, service points, coverage and its targets): every login reads
  // it; the county's administrators keep the register.
  'network.read': ANY_LOGIN,
  'network.write': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether this role may perform the action at all (before any scope rule); nobody may without a login. */
export function allows(role: Role | null, permission: Permission): boolean {
  if (role === null || !Object.hasOwn(PERMISSIONS, permission)) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
