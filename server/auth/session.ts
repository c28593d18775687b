import RedisStore from 'connect-redis';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import { redisKeys } from '../redis/connections.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
  }
}

export const SESSION_COOKIE = 'fairport.sid';

/**
 * Cookie sessions stored in Redis, shared by every server node. The same middleware runs on the
 * Socket.IO handshake, so a socket belongs to the user whose cookie opened it.
 */
export function createSessionMiddleware(config: Config, redis: Redis): RequestHandler {
  const secure = new URL(config.PUBLIC_URL).protocol === 'https:';
  return session({
    name: SESSION_COOKIE,
    secret: config.SESSION_SECRET,
    store: new RedisStore({ client: redis, prefix: redisKeys(config.REDIS_PREFIX).sessions }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.TRUST_PROXY,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: config.SESSION_MAX_AGE_HOURS * 3600 * 1000,
    },
  });
}
