import { MeView } from '$contracts/accounts.ts';
import { api, ApiError } from '$lib/api/client.ts';
import type { SessionCheck } from '$lib/offline/outbox.svelte.ts';
import type { Session } from '$lib/session.svelte.ts';

/**
 * Asks the server who is logged in before a round of sending. A page opened offline (from the
 * service worker's copy) carries the CSRF token of its day; this refreshes it, and tells an
 * ended session (log in again; the records wait) or another account (never send under it)
 * apart from a server that cannot be reached.
 */
export function sessionChecker(session: Session, owner: string): () => Promise<SessionCheck> {
  return async () => {
    try {
      const me = await api('/auth/me', MeView, { quiet401: true });
      if (me.id !== owner) return 'other-account';
      session.update(me);
      return 'ok';
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return 'unauthorized';
      return 'unreachable';
    }
  };
}
