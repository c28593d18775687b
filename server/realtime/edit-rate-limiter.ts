import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../http/http-error.js';

/** Limits the editing events (edit, undo, redo, sync) one user sends, counted in Redis across all server nodes. */
export interface EditRateLimiter {
  /** Counts one event for the key; throws a `rate_limited` HttpError when the key is over its limit. */
  consume(key: string): Promise<void>;
}

/**
 * Builds the limiter: `perSecond` events per key and second, shared by every node through Redis,
 * so opening tabs on several nodes does not multiply a user's allowance.
 */
export function createEditRateLimiter(redis: Redis, keyPrefix: string, perSecond: number): EditRateLimiter {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: perSecond, duration: 1 });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new HttpError('rate_limited', `Too many edits: at most ${perSecond} a second. Wait ${seconds} s and send again.`);
      }
    },
  };
}
