import { AuditList } from '$contracts/accounts.ts';
import type { ErrorIssue } from '$contracts/common.ts';
import { api } from '$lib/api/client.ts';
import type { MessageKey } from '$lib/i18n/index.svelte.ts';
import { addDays } from '$rules/time.ts';

export type AuditFilter = { actor: string; action: string; from: string; to: string };
export const AUDIT_LIMIT = 200;
export const EMPTY_FILTER: AuditFilter = { actor: '', action: '', from: '', to: '' };

/** What the trail records (each server verb's writeAudit), for the action picker. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login-failed',
  'auth.logout',
  'user.create',
  'user.disable',
  'user.enable',
  'user.reset-password',
  'user.bootstrap-admin',
  'token.create',
  'token.revoke',
  'cooperative.create',
  'storage-facility.create',
  'project.create',
  'pickup.record',
  'pickup.void',
  'packaging-run.record',
  'storage-movement.record',
  'carrier-volume.revise',
  'briefing.issue',
  'village.create',
  'village.update',
  'village.import',
  'service-point.create',
  'service-point.update',
  'service-point.import',
  'coverage-targets.set',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The message naming an action the trail is known to record; null for others (shown as recorded). */
export const actionKey = (action: string): MessageKey | null =>
  (AUDIT_ACTIONS as readonly string[]).includes(action) ? (`admin.audit.action.${action as AuditAction}` as const) : null;

/** A Shanghai calendar day's first instant; `to` is inclusive, so it ends at the next day's start. */
const dayStart = (date: string) => `${date}T00:00:00+08:00`;
const nextDayStart = (date: string) => dayStart(addDays(date, 1));

export function filterIssues(f: AuditFilter): ErrorIssue[] {
  return f.from && f.to && f.to < f.from ? [{ path: 'to', message: 'must not be before from' }] : [];
}

export function filterFromUrl(params: URLSearchParams): AuditFilter {
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  return { actor: params.get('actor') ?? '', action: params.get('action') ?? '', from: date(params.get('from')), to: date(params.get('to')) };
}

export function filterToUrl(f: AuditFilter): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v.trim()) q.set(k, v.trim());
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function listAudit(f: AuditFilter) {
  const q = new URLSearchParams({ limit: String(AUDIT_LIMIT) });
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (f.action.trim()) q.set('action', f.action.trim());
  if (f.from) q.set('from', dayStart(f.from));
  if (f.to) q.set('to', nextDayStart(f.to));
  return (await api(`/audit?${q}`, AuditList)).items;
}
