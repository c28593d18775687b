import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createRedis } from '../../server/redis/connections.js';
import { uniqueRedisPrefix } from './database.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Registers hooks that open a Redis connection and pick a key prefix of the test file's own, and
 * that delete the prefix's keys afterwards. Read `redis` and `prefix` inside tests, after `beforeAll`.
 */
export function useScratchRedis(): { readonly redis: Redis; readonly prefix: string } {
  const scratch = {} as { redis: Redis; prefix: string };
  beforeAll(() => {
    scratch.redis = createRedis({ REDIS_URL }, 'commands');
    scratch.prefix = uniqueRedisPrefix();
  });
  afterAll(async () => {
    const keys = await scratch.redis.keys(`${scratch.prefix}*`);
    if (keys.length > 0) await scratch.redis.del(...keys);
    scratch.redis.disconnect();
  });
  return scratch;
}
