import { error } from '@sveltejs/kit';
import { mayOpen } from '$lib/nav.ts';

/** Refuses a section to roles the navigation does not offer it to (the API refuses their writes anyway). */
export function requireSection(me: App.Locals['me'], href: string): void {
  if (me && !mayOpen(me.role, href)) error(403, 'FORBIDDEN');
}
