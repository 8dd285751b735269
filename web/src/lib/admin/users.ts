import { z } from 'zod';
import { AuditList, TokenCreated, TokenList, TokenView, UserInput, UserList, UserView, type TokenInput } from '$contracts/accounts.ts';
import { api } from '$lib/api/client.ts';

export type NewUser = z.input<typeof UserInput>;
export type NewToken = z.input<typeof TokenInput>;

export const listUsers = async () => (await api('/users', UserList)).items;
export const createUser = (input: NewUser) => api('/users', UserView, { method: 'POST', body: input });
export const setUserDisabled = (id: string, disabled: boolean) =>
  api(`/users/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`, UserView, { method: 'POST' });
export const resetPassword = (id: string, password: string) =>
  api(`/users/${encodeURIComponent(id)}/password`, UserView, { method: 'POST', body: { password } });

// Logins are in the audit trail, newest first: the first one met for an account is its last.
// Older than the window read here, an account shows no last login rather than a wrong one.
export const LOGIN_WINDOW = 1000;
export async function lastLogins(): Promise<Map<string, string>> {
  const { items } = await api(`/audit?action=auth.login&limit=${LOGIN_WINDOW}`, AuditList);
  const last = new Map<string, string>();
  for (const entry of items) if (entry.userId && !last.has(entry.userId)) last.set(entry.userId, entry.at);
  return last;
}

export const listTokens = async () => (await api('/tokens', TokenList)).items;
export const createToken = (input: NewToken) => api('/tokens', TokenCreated, { method: 'POST', body: input });
export const revokeToken = (id: string) => api(`/tokens/${encodeURIComponent(id)}/revoke`, TokenView, { method: 'POST' });

/** Roles whose accounts act for an organisation, and which kind. */
export const organizationKind = (role: string): 'cooperative' | 'carrier' | null =>
  role === 'cooperative' ? 'cooperative' : role === 'carrier' ? 'carrier' : null;

const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A 16-character password without look-alike characters (l/1, O/0), to read out over the phone. */
export function randomPassword(length = 16): string {
  const out: string[] = [];
  // Rejection sampling keeps every character equally likely.
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 256 - (256 % PASSWORD_ALPHABET.length) && out.length < length) out.push(PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length]);
    }
  }
  return out.join('');
}
