import { createHash } from 'node:crypto';
import type { Store, SessionData } from 'express-session';
import type { Redis } from 'ioredis';
import type { SessionInfo } from '../../common/api/account.js';
import { isoOrNull } from '../domain/timestamps.js';

/**
 * An opaque, stable name of a session: the first 128 bits of the SHA-256 of its id. It names the
 * session's Socket.IO room and identifies it in the account page, so the id itself, which is the
 * cookie's secret, never leaves the session store.
 */
export function sessionHandle(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
}

/**
 * The sessions of each user, kept as a Redis set of session ids beside the session store, so a
 * user can list their sessions and end them all at once on every node.
 */
export class SessionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly store: Store,
    private readonly keyPrefix: string,
    private readonly maxAgeMs: number,
  ) {}

  /** Records a session of a user, after sign-in. */
  async add(userId: string, sessionId: string): Promise<void> {
    const key = this.keyOf(userId);
    await this.redis.multi().sadd(key, sessionId).pexpire(key, this.maxAgeMs).exec();
  }

  /** Forgets a session that was ended. */
  async remove(userId: string, sessionId: string): Promise<void> {
    await this.redis.srem(this.keyOf(userId), sessionId);
  }

  /** Lists a user's live sessions; ids whose session expired are dropped from the set. */
  async list(userId: string, currentSessionId: string | undefined): Promise<SessionInfo[]> {
    const sessionIds = await this.redis.smembers(this.keyOf(userId));
    const infos: SessionInfo[] = [];
    for (const sessionId of sessionIds) {
      const data = await this.read(sessionId);
      if (!data || data.userId !== userId) {
        await this.remove(userId, sessionId);
        continue;
      }
      infos.push({
        id: sessionHandle(sessionId),
        current: sessionId === currentSessionId,
        signedInAt: isoOrNull(data.signedInAt ?? null),
        expiresAt: isoOrNull(data.cookie?.expires ?? null),
        userAgent: data.userAgent ?? null,
        ip: data.ip ?? null,
      });
    }
    return infos.sort((a, b) => (b.signedInAt ?? '').localeCompare(a.signedInAt ?? ''));
  }

  /** Ends one session by its handle; returns the ended session's id, or null when none matched. */
  async revoke(userId: string, handle: string): Promise<string | null> {
    const sessionIds = await this.redis.smembers(this.keyOf(userId));
    const sessionId = sessionIds.find((candidate) => sessionHandle(candidate) === handle);
    if (!sessionId) return null;
    await this.destroy(sessionId);
    await this.remove(userId, sessionId);
    return sessionId;
  }

  /** Ends every session of a user and returns their handles. */
  async revokeAll(userId: string): Promise<string[]> {
    const sessionIds = await this.redis.smembers(this.keyOf(userId));
    await Promise.all(sessionIds.map((sessionId) => this.destroy(sessionId)));
    await this.redis.del(this.keyOf(userId));
    return sessionIds.map(sessionHandle);
  }

  private keyOf(userId: string): string {
    return `${this.keyPrefix}${userId}`;
  }

  private read(sessionId: string): Promise<SessionData | null | undefined> {
    return new Promise((resolve, reject) => this.store.get(sessionId, (error, data) => (error ? reject(error) : resolve(data))));
  }

  private destroy(sessionId: string): Promise<void> {
    return new Promise((resolve, reject) => this.store.destroy(sessionId, (error) => (error ? reject(error) : resolve())));
  }
}
