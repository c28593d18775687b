import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../http/http-error.js';

/** Limits the editing events (edit, undo, redo, sync) one user sends, counted in Redis across all server nodes. */
export interface EditRateLimiter {
  /** Counts one event for the key; throws a `rate_limited` HttpError when the key is over its limit. */
  consume(key: string): Promise<void>;
}

/** Most events a node takes from Redis at once for one key. */
const MAX_LEASE = 10;
/** Keys held in memory before expired leases and blocks are dropped. */
const PRUNE_AT = 10_000;

/** Events a node may still count locally for a key, until the Redis window they came from ends. */
interface Lease {
  points: number;
  expiresAt: number;
}

/**
 * Builds the limiter: `perSecond` events per key and second, shared by every node through Redis,
 * so opening tabs on several nodes does not multiply a user's allowance.
 *
 * A node takes events from Redis in small leases (a tenth of the limit, at most 10) and counts
 * them locally until the Redis window ends, so most edits wait for no Redis round trip. Concurrent
 * requests for one key share one lease request. After a rejection the key is blocked on this node
 * until the window ends, so a flood is turned away without asking Redis again. A lease can be
 * refused while fewer events than a lease remain, so a user who sends at the limit may be limited
 * up to a lease early in a window.
 */
export function createEditRateLimiter(redis: Redis, keyPrefix: string, perSecond: number): EditRateLimiter {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: perSecond, duration: 1 });
  const leaseSize = Math.max(1, Math.min(MAX_LEASE, Math.floor(perSecond / 10)));
  const leases = new Map<string, Lease>();
  const blockedUntil = new Map<string, number>();
  const requests = new Map<string, Promise<void>>();

  const rejection = (msBeforeNext: number) => {
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    return new HttpError('rate_limited', `Too many edits: at most ${perSecond} a second. Wait ${seconds} s and send again.`);
  };

  /** Takes a lease from Redis, or blocks the key on this node until the window ends. */
  async function requestLease(key: string): Promise<void> {
    const now = Date.now();
    try {
      const granted = await limiter.consume(key, leaseSize);
      leases.set(key, { points: leaseSize, expiresAt: now + granted.msBeforeNext });
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      blockedUntil.set(key, now + refused.msBeforeNext);
      throw rejection(refused.msBeforeNext);
    }
  }

  function prune(now: number): void {
    if (leases.size + blockedUntil.size < PRUNE_AT) return;
    for (const [key, lease] of leases) if (lease.expiresAt <= now) leases.delete(key);
    for (const [key, until] of blockedUntil) if (until <= now) blockedUntil.delete(key);
  }

  return {
    async consume(key) {
      for (;;) {
        const now = Date.now();
        prune(now);
        const blocked = blockedUntil.get(key);
        if (blocked !== undefined && blocked > now) throw rejection(blocked - now);

        const lease = leases.get(key);
        if (lease && lease.points > 0 && lease.expiresAt > now) {
          lease.points -= 1;
          return;
        }

        // One lease request per key at a time; the others wait for it and then count from it.
        let request = requests.get(key);
        if (!request) {
          request = requestLease(key).finally(() => requests.delete(key));
          requests.set(key, request);
        }
        await request;
      }
    },
  };
}
