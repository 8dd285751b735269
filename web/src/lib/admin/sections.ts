import type { MessageKey } from '$lib/i18n/index.svelte.ts';

export const ADMIN_SECTIONS: readonly { href: string; label: MessageKey; intro: MessageKey }[] = [
  { href: '/admin/users', label: 'admin.users.title', intro: 'admin.users.intro' },
  { href: '/admin/tokens', label: 'admin.tokens.title', intro: 'admin.tokens.intro' },
  { href: '/admin/cooperatives', label: 'admin.coops.title', intro: 'admin.coops.intro' },
  { href: '/admin/facilities', label: 'admin.facilities.title', intro: 'admin.facilities.intro' },
  { href: '/admin/projects', label: 'admin.projects.title', intro: 'admin.projects.intro' },
  { href: '/admin/audit', label: 'admin.audit.title', intro: 'admin.audit.intro' },
];
