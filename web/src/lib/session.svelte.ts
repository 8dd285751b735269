import { getContext, setContext } from 'svelte';
import { z } from 'zod';
import { MeView, type LoginInput, type Role } from '$contracts/accounts.ts';
import { api, setCsrfToken } from './api/client.ts';

/**
 * Who is logged in. The server resolves it for every page (Fastify's web plugin reads the
 * session cookie and hands it to SvelteKit), so the first paint already knows the role; the
 * browser keeps the CSRF token for writes.
 */
export class Session {
  me = $state<MeView | null | undefined>(undefined);

  constructor(me: MeView | null | undefined) {
    this.update(me);
  }

  update(me: MeView | null | undefined): void {
    this.me = me;
    setCsrfToken(me?.csrfToken ?? null);
  }

  get role(): Role | null {
    return this.me?.role ?? null;
  }

  /** Asks the API who we are (vite dev, where no server resolved it for the page). */
  async refresh(): Promise<void> {
    try {
      this.update(await api('/auth/me', MeView, { quiet401: true }));
    } catch {
      this.update(null);
    }
  }

  async login(input: LoginInput): Promise<MeView> {
    const me = await api('/auth/login', MeView, { method: 'POST', body: input, quiet401: true });
    this.update(me);
    return me;
  }

  async logout(): Promise<void> {
    try {
      await api('/auth/logout', z.null(), { method: 'POST', quiet401: true });
    } finally {
      this.update(null);
    }
  }
}

const KEY = Symbol('session');
export const setSession = (s: Session) => setContext(KEY, s);
export const getSession = () => getContext<Session>(KEY);
