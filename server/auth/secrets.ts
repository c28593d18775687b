import { createHash, randomBytes } from 'node:crypto';

/** A new random secret of 256 bits, as 43 base64url characters. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The SHA-256 of a secret, as stored in the database. The secrets are 256 random bits, so a
 * fast hash suffices: nobody can guess a preimage, and a lookup stays one index probe.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
