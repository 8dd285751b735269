import { createHash } from 'node:crypto';

/**
 * Fingerprint of a write's content (everything but its id), so that a re-sent id
 * can be recognised as the same write (same hash) or a conflicting one.
 * Callers pass values already normalised (instants as UTC ISO strings, absent optionals as null).
 */
export function requestHash(fields: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}
