import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/env.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('redis');

/**
 * What a connection is for. BullMQ workers and queue event listeners block on Redis, so their
 * connections must never give up on a command (`maxRetriesPerRequest: null`).
 */
export type RedisPurpose = 'commands' | 'blocking' | 'subscriber';

/** Opens an ioredis connection to REDIS_URL that logs its errors with its purpose. */
export function createRedis(config: Pick<Config, 'REDIS_URL'>, purpose: RedisPurpose): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: purpose === 'commands' ? 20 : null,
    connectionName: `fairport-${purpose}`,
  };
  const redis = new Redis(config.REDIS_URL, options);
  redis.on('error', (error: Error) => log.error({ err: error, purpose }, 'redis connection error'));
  return redis;
}

/**
 * Key names in Redis. Pub/sub channels ignore the logical database number, so every key and
 * channel carries REDIS_PREFIX; two deployments (or two test runs) on one Redis stay apart.
 */
export function redisKeys(prefix: string) {
  return {
    socketIo: `${prefix}:socket.io`,
    bullmq: `${prefix}:bull`,
    sessions: `${prefix}:sess:`,
    userSessions: `${prefix}:user-sessions:`,
    rateLimits: `${prefix}:rate-limit`,
    presence: `${prefix}:presence`,
    editRateLimit: `${prefix}:rl:edit:`,
  } as const;
}
