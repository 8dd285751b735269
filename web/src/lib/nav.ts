import type { Role } from '$contracts/accounts.ts';
import type { MessageKey } from './i18n/index.svelte.ts';

const ALL: readonly Role[] = ['admin', 'official', 'cooperative', 'carrier'];

/** The app's sections and who sees them; the server refuses the same roles (see requireRole). */
export const NAV: readonly { href: string; label: MessageKey; roles: readonly Role[] }[] = [
  { href: '/', label: 'nav.dashboard', roles: ALL },
  { href: '/entry', label: 'nav.entry', roles: ['admin', 'cooperative'] },
  { href: '/volumes', label: 'nav.volumes', roles: ['admin', 'carrier'] },
  { href: '/records', label: 'nav.records', roles: ALL },
  { href: '/reconciliation', label: 'nav.reconciliation', roles: ['admin', 'official'] },
  { href: '/briefings', label: 'nav.briefings', roles: ['admin', 'official'] },
  { href: '/admin', label: 'nav.admin', roles: ['admin'] },
];

export function navFor(role: Role | null): typeof NAV {
  return role ? NAV.filter((item) => item.roles.includes(role)) : [];
}

export function rolesFor(href: string): readonly Role[] {
  return NAV.find((item) => item.href === href)?.roles ?? [];
}

/** Where to go after logging in: a path on this site only, never another origin. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
