import { requireSection } from '$lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => requireSection(locals.me, '/records');
