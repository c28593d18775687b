import type { Knex } from 'knex';
import { AuthToken, type AuthTokenPurpose } from '../db/models/auth-token.js';
import { hashSecret, newSecret } from './secrets.js';

/** How long the link of each kind of email works. */
export const ONE_TIME_TOKEN_TTL_MS: Record<AuthTokenPurpose, number> = {
  'sign-up': 24 * 3600 * 1000,
  'password-reset': 3600 * 1000,
};

export interface OneTimeTokenInput {
  purpose: AuthTokenPurpose;
  email: string;
  userId?: string | null;
  payload?: Record<string, unknown>;
}

/** Stores the hash of a new single-use token and returns the token, to be sent by email only. */
export async function issueOneTimeToken(input: OneTimeTokenInput): Promise<string> {
  const token = newSecret();
  await AuthToken.query().insert({
    purpose: input.purpose,
    tokenHash: hashSecret(token),
    email: input.email.toLowerCase(),
    userId: input.userId ?? null,
    payload: input.payload ?? {},
    expiresAt: new Date(Date.now() + ONE_TIME_TOKEN_TTL_MS[input.purpose]),
  });
  return token;
}

/**
 * Marks a token used and returns its record, or returns null when it is unknown, used, expired
 * or meant for something else. One UPDATE does the check and the marking, so two requests with
 * the same token cannot both succeed.
 */
export async function consumeOneTimeToken(purpose: AuthTokenPurpose, token: string, trx?: Knex.Transaction): Promise<AuthToken | null> {
  const rows = await AuthToken.query(trx)
    .patch({ usedAt: new Date() })
    .where({ tokenHash: hashSecret(token), purpose })
    .whereNull('usedAt')
    .where('expiresAt', '>', new Date())
    .returning('*');
  return (rows as unknown as AuthToken[])[0] ?? null;
}

/** Voids the unused tokens of an address for one purpose, e.g. older reset links after a reset. */
export async function voidOneTimeTokens(purpose: AuthTokenPurpose, email: string, trx?: Knex.Transaction): Promise<void> {
  await AuthToken.query(trx).patch({ usedAt: new Date() }).where({ purpose, email: email.toLowerCase() }).whereNull('usedAt');
}
