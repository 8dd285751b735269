import { redirect } from '@sveltejs/kit';
import { safeNext } from '$lib/safe-next.ts';
import type { LayoutServerLoad } from './$types';

const PUBLIC_PATHS = new Set(['/login']);

export const load: LayoutServerLoad = ({ locals, url }) => {
  const me = locals.me;
  const isPublic = PUBLIC_PATHS.has(url.pathname);
  // null: the server looked and found no session. undefined (vite dev): the browser asks /auth/me.
  if (me === null && !isPublic) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  if (me && isPublic) redirect(303, safeNext(url.searchParams.get('next'), url.origin));
  return { locale: locals.locale, me, now: locals.now };
};
