import type { ApiToken as ApiTokenDto, ApiTokenCreate } from '../../common/api/account.js';
import type { TokenScope } from '../auth/actor.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import { ApiToken } from '../db/models/api-token.js';
import { User } from '../db/models/user.js';
import { HttpError, notFound } from '../http/http-error.js';
import { iso, isoOrNull } from './timestamps.js';

/** Prefix of every personal API token, so secret scanners and people can recognise one. */
export const API_TOKEN_PREFIX = 'fpt_';

// The last use is written at most this often, so a busy script does not write on every request.
const LAST_USE_RESOLUTION_MS = 60_000;

export function toApiTokenDto(token: ApiToken): ApiTokenDto {
  return {
    id: token.id,
    name: token.name,
    scope: token.scope,
    prefix: token.tokenPrefix,
    expiresAt: iso(token.expiresAt),
    lastUsedAt: isoOrNull(token.lastUsedAt),
    revokedAt: isoOrNull(token.revokedAt),
    createdAt: iso(token.createdAt),
  };
}

/** Creates a token for a user and returns it with its secret, which is not stored. */
export async function createApiToken(
  userId: string,
  input: Required<ApiTokenCreate>,
  maxDays: number,
): Promise<{ token: string; record: ApiToken }> {
  if (input.expiresInDays > maxDays) {
    throw new HttpError('validation_failed', `A token may live at most ${maxDays} days (API_TOKEN_MAX_DAYS).`, [
      { field: 'body.expiresInDays', message: `at most ${maxDays}` },
    ]);
  }
  const token = `${API_TOKEN_PREFIX}${newSecret()}`;
  const record = await ApiToken.query().insertAndFetch({
    userId,
    name: input.name,
    scope: input.scope,
    tokenHash: hashSecret(token),
    tokenPrefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
    expiresAt: new Date(Date.now() + input.expiresInDays * 24 * 3600 * 1000),
  });
  return { token, record };
}

/** Lists a user's tokens, newest first, revoked and expired ones included. */
export async function listApiTokens(userId: string): Promise<ApiToken[]> {
  return ApiToken.query().where({ userId }).orderBy('createdAt', 'desc');
}

/** Revokes one of the user's tokens; another user's token raises 404. */
export async function revokeApiToken(userId: string, tokenId: string): Promise<ApiToken> {
  const [revoked] = (await ApiToken.query()
    .patch({ revokedAt: new Date() })
    .where({ id: tokenId, userId })
    .whereNull('revokedAt')
    .returning('*')) as unknown as ApiToken[];
  if (revoked) return revoked;
  const existing = await ApiToken.query().findOne({ id: tokenId, userId });
  if (!existing) throw notFound('API token', tokenId);
  return existing;
}

export interface ResolvedToken {
  tokenId: string;
  scope: TokenScope;
  user: User;
}

/** Finds the live token of a secret and its user, recording the use; null for anything else. */
export async function resolveApiToken(secret: string): Promise<ResolvedToken | null> {
  if (!secret.startsWith(API_TOKEN_PREFIX)) return null;
  const token = await ApiToken.query().findOne({ tokenHash: hashSecret(secret) });
  if (!token || token.revokedAt !== null || token.expiresAt.getTime() <= Date.now()) return null;

  const user = await User.query().findById(token.userId);
  if (!user) return null;

  if (token.lastUsedAt === null || Date.now() - token.lastUsedAt.getTime() > LAST_USE_RESOLUTION_MS) {
    await ApiToken.query().patch({ lastUsedAt: new Date() }).where({ id: token.id });
  }
  return { tokenId: token.id, scope: token.scope, user };
}
