import type { Role } from '$contracts/accounts.ts';
import { allows, type Permission } from '$contracts/permissions.ts';
import type { MessageKey } from './i18n/index.svelte.ts';

/**
 * The app's sections, each shown to the roles the server's permission table gives the action the
 * section is for: a role is never offered a page whose API would refuse it.
 */
export const NAV: readonly { href: string; label: MessageKey; permission: Permission }[] = [
  { href: '/', label: 'nav.dashboard', permission: 'project.read' },
  { href: '/entry', label: 'nav.entry', permission: 'pickup.create' },
  { href: '/volumes', label: 'nav.volumes', permission: 'carrierCell.report' },
  { href: '/records', label: 'nav.records', permission: 'pickup.read' },
  // The county sees every carrier's cells, a carrier its own (the API scopes it).
  { href: '/reconciliation', label: 'nav.reconciliation', permission: 'carrierCell.read' },
  { href: '/briefings', label: 'nav.briefings', permission: 'briefing.read' },
  // Accounts, organisations, projects and the audit trail: the administrators' own pages.
  { href: '/admin', label: 'nav.admin', permission: 'user.read' },
];

export function navFor(role: Role | null): typeof NAV {
  return NAV.filter((item) => allows(role, item.permission));
}

/** Whether this role may open the section at href (no section is open to an unknown href). */
export function mayOpen(role: Role | null, href: string): boolean {
  const item = NAV.find((i) => i.href === href);
  return item !== undefined && allows(role, item.permission);
}
