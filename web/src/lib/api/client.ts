import type { z } from 'zod';
import { ErrorBody, type ErrorCode, type ErrorIssue } from '$contracts/common.ts';

// The web app's only way to the API: same origin, session cookie, and every answer parsed
// with the contract the server validated it against, so a drifted shape fails loudly here.

export const API = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK' | 'BAD_RESPONSE',
    message: string,
    readonly issues: ErrorIssue[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** The session's CSRF token (from the login answer or /auth/me), sent on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API answers 401: the session ended (logout elsewhere, expiry, disabled account). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type Options = { method?: 'GET' | 'POST' | 'PUT'; body?: unknown; signal?: AbortSignal; fetch?: typeof fetch; quiet401?: boolean };

export async function api<S extends z.ZodType>(path: string, schema: S, opts: Options = {}): Promise<z.infer<S>> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${API}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', (error as Error).message);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: a proxy's error page, say. Reported below by status.
  }
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    const error = parsed.success
      ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.issues)
      : new ApiError(res.status, 'BAD_RESPONSE', `HTTP ${res.status}`);
    if (res.status === 401 && !opts.quiet401) for (const listener of unauthorizedListeners) listener();
    throw error;
  }
  if (res.status === 204) return schema.parse(null);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'BAD_RESPONSE', `Unexpected answer from ${path}: ${parsed.error.message}`);
  return parsed.data;
}
