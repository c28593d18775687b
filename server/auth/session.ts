import RedisStore from 'connect-redis';
import session, { type Store } from 'express-session';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import { redisKeys } from '../redis/connections.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    signedInAt: string;
    userAgent: string;
    ip: string;
    /** The state of an ORCID sign-in between the redirect to ORCID and its callback. */
    orcidFlow: { state: string; nonce: string; codeVerifier: string; next: string; linkUserId: string | null };
  }
}

export const SESSION_COOKIE = 'fairport.sid';

/** The Redis store of the sessions, shared by every server node. */
export function createSessionStore(config: Config, redis: Redis): Store {
  return new RedisStore({ client: redis, prefix: redisKeys(config.REDIS_PREFIX).sessions });
}

/**
 * Cookie sessions stored in Redis, shared by every server node. The same middleware runs on the
 * Socket.IO handshake, so a socket belongs to the user whose cookie opened it. The cookie is
 * HttpOnly, SameSite=Lax, and Secure when PUBLIC_URL is https.
 */
export function createSessionMiddleware(config: Config, redis: Redis, store: Store = createSessionStore(config, redis)): RequestHandler {
  const secure = new URL(config.PUBLIC_URL).protocol === 'https:';
  return session({
    name: SESSION_COOKIE,
    secret: config.SESSION_SECRET,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.TRUST_PROXY,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: sessionMaxAgeMs(config),
    },
  });
}

export function sessionMaxAgeMs(config: Pick<Config, 'SESSION_MAX_AGE_HOURS'>): number {
  return config.SESSION_MAX_AGE_HOURS * 3600 * 1000;
}
