import * as crypto from 'node:crypto';

// One-shot hashing (Node ≥ 20.12) skips the Hash object a bulk import would make per row; same digest.
const sha256: (data: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (data) => (crypto as unknown as { hash: (alg: string, data: string, enc: string) => string }).hash('sha256', data, 'base64url')
    : (data) => crypto.createHash('sha256').update(data).digest('base64url');

/**
 * Fingerprint of a write's content (everything but its id), so that a re-sent id
 * can be recognised as the same write (same hash) or a conflicting one.
 * Callers pass values already normalised (instants as UTC ISO strings, absent optionals as null).
 */
export function requestHash(fields: readonly unknown[]): string {
  return sha256(JSON.stringify(fields));
}
