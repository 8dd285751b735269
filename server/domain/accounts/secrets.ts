import { createHash, randomBytes } from 'node:crypto';

/** A fresh high-entropy secret and its SHA-256. Only the hash is stored; 256 random bits need no slow hash. */
export function newSecret(prefix: string): { secret: string; hash: string } {
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
