import type { Handle } from '@sveltejs/kit';
import { DEFAULT_LOCALE, LOCALE_COOKIE, htmlLang, isLocale } from '$lib/i18n/index.svelte.ts';

export const handle: Handle = async ({ event, resolve }) => {
  const chosen = event.cookies.get(LOCALE_COOKIE);
  event.locals.locale = isLocale(chosen) ? chosen : DEFAULT_LOCALE;
  // Resolved by server/http/plugins/web.ts from the session cookie; absent under `vite dev`.
  const fromServer = event.platform?.req?.guoyun;
  event.locals.me = fromServer ? fromServer.me : undefined;
  event.locals.now = fromServer?.now;

  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%lang%', htmlLang(event.locals.locale)),
  });
  // Pages carry the account's name and CSRF token: never keep them in a cache.
  if (response.headers.get('content-type')?.startsWith('text/html') || event.isDataRequest) response.headers.set('cache-control', 'private, no-store');
  return response;
};
