import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/env.js';
import { isSignedIn, type Actor } from '../auth/actor.js';
import { actorOf } from '../auth/request-actor.js';
import { redisKeys } from '../redis/connections.js';
import { HttpError } from './http-error.js';

const FIFTEEN_MINUTES = 15 * 60;
const HOUR = 3600;
const MINUTE = 60;

/**
 * The portal's rate limits. Counters live in Redis, so every server node counts against the same
 * budget and a client cannot spread its requests over nodes to get more.
 */
export class RateLimits {
  /** Sign-in attempts per client address, and per email address, in 15 minutes. */
  readonly signInByIp: RateLimiterRedis;
  readonly signInByEmail: RateLimiterRedis;
  /** Sign-up and password-reset emails per email address, and per client address, in an hour. */
  readonly mailByAddress: RateLimiterRedis;
  readonly mailByIp: RateLimiterRedis;
  /** API requests per token, user or client address in a minute. */
  readonly api: RateLimiterRedis;
  /** Socket.IO events per user or client address in a minute. */
  readonly socketEvents: RateLimiterRedis;

  constructor(config: Pick<Config, 'REDIS_PREFIX' | 'SIGN_IN_RATE_LIMIT' | 'MAIL_RATE_LIMIT' | 'API_RATE_LIMIT' | 'SOCKET_EVENT_RATE_LIMIT'>, redis: Redis) {
    const prefix = redisKeys(config.REDIS_PREFIX).rateLimits;
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${name}`, points, duration, useRedisPackage: false });

    this.signInByIp = limiter('sign-in-ip', config.SIGN_IN_RATE_LIMIT * 5, FIFTEEN_MINUTES);
    this.signInByEmail = limiter('sign-in-email', config.SIGN_IN_RATE_LIMIT, FIFTEEN_MINUTES);
    this.mailByAddress = limiter('mail-address', config.MAIL_RATE_LIMIT, HOUR);
    this.mailByIp = limiter('mail-ip', config.MAIL_RATE_LIMIT * 4, HOUR);
    this.api = limiter('api', config.API_RATE_LIMIT, MINUTE);
    this.socketEvents = limiter('socket', config.SOCKET_EVENT_RATE_LIMIT, MINUTE);
  }
}

/**
 * Takes one point from a limiter for a key; throws a 429 HttpError with the seconds to wait when
 * the budget is spent. Redis failures propagate, so a limit never silently stops applying.
 */
export async function consumePoint(limiter: RateLimiterRedis, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new HttpError('rate_limited', `Too many ${what}; try again in ${retryAfterSeconds} s.`, undefined, retryAfterSeconds);
  }
}

/** The key an actor's requests are counted under: the token, else the user, else the client address. */
export function rateLimitKey(actor: Actor, ip: string | undefined): string {
  if (isSignedIn(actor) && actor.credential?.kind === 'token') return `token:${actor.credential.tokenId}`;
  if (isSignedIn(actor)) return `user:${actor.id}`;
  return `ip:${ip ?? 'unknown'}`;
}

/** Counts every API request but the health check, which load balancers call all the time. */
export function apiRateLimit(limits: RateLimits): RequestHandler {
  return async (req, _res, next) => {
    if (req.path === '/health') return next();
    await consumePoint(limits.api, rateLimitKey(actorOf(req), req.ip), 'requests');
    next();
  };
}
