import type { Role } from '$contracts/accounts.ts';
import type { MessageKey } from './i18n/index.svelte.ts';

const ALL: readonly Role[] = ['admin', 'official', 'cooperative', 'carrier'];

/** The app's sections and who sees them; the server refuses the same roles (see requireRole). */
export const NAV: readonly { href: string; label: MessageKey; roles: readonly Role[] }[] = [
  { href: '/', label: 'nav.dashboard', roles: ALL },
  { href: '/entry', label: 'nav.entry', roles: ['admin', 'cooperative'] },
  { href: '/volumes', label: 'nav.volumes', roles: ['admin', 'carrier'] },
  { href: '/records', label: 'nav.records', roles: ALL },
  // Carriers' figures by town and day: the county sees all, a carrier its own (the API scopes it).
  { href: '/reconciliation', label: 'nav.reconciliation', roles: ['admin', 'official', 'carrier'] },
  { href: '/briefings', label: 'nav.briefings', roles: ['admin', 'official'] },
  { href: '/admin', label: 'nav.admin', roles: ['admin'] },
];

export function navFor(role: Role | null): typeof NAV {
  return role ? NAV.filter((item) => item.roles.includes(role)) : [];
}

export function rolesFor(href: string): readonly Role[] {
  return NAV.find((item) => item.href === href)?.roles ?? [];
}
