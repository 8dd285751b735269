import { requireSection } from '$lib/server/guard.ts';
import type { LayoutServerLoad } from './$types';

// Every page under /admin: the layout's load runs for each of them on the server.
export const load: LayoutServerLoad = ({ locals }) => requireSection(locals.me, '/admin');
