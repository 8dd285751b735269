import type { IncomingMessage } from 'node:http';
import type { MeView } from '$contracts/accounts.ts';
import type { Locale } from '$lib/i18n/index.svelte.ts';

declare global {
  namespace App {
    interface Locals {
      locale: Locale;
      /** Who is logged in, as resolved by the Fastify web plugin; undefined when not served by it (vite dev). */
      me: MeView | null | undefined;
      /** The app clock's instant as the server read it for this request (ISO); undefined under vite dev. */
      now: string | undefined;
    }
    interface Platform {
      /** adapter-node passes the raw request; server/http/plugins/web.ts attaches the session it resolved. */
      req: IncomingMessage & { guoyun?: { me: MeView | null; now: string } };
    }
    interface PageData {
      locale: Locale;
      me: MeView | null | undefined;
      now: string | undefined;
    }
  }
}

export {};
