import { describe, expect, it } from 'vitest';
import { HttpError } from '../../server/http/http-error.js';
import { createEditRateLimiter, type EditRateLimiter } from '../../server/realtime/edit-rate-limiter.js';
import { useScratchRedis } from '../helpers/scratch-redis.js';

const scratch = useScratchRedis();

/** Consumes `count` events one after another and returns how many were allowed. */
async function allowed(limiter: EditRateLimiter, key: string, count: number): Promise<number> {
  let passed = 0;
  for (let index = 0; index < count; index += 1) {
    try {
      await limiter.consume(key);
      passed += 1;
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).code).toBe('rate_limited');
    }
  }
  return passed;
}

/** Reads the events Redis has counted for a key in the current window. */
async function counted(key: string): Promise<number> {
  return Number((await scratch.redis.get(`${scratch.prefix}:${key}`)) ?? 0);
}

describe('edit rate limiter', () => {
  it('allows the limit in a window and rejects the rest', async () => {
    const limiter = createEditRateLimiter(scratch.redis, scratch.prefix, 20);
    expect(await allowed(limiter, 'user:one', 30)).toBe(20);
    // Ten leases of 2, then one refused lease that Redis counts too; the node sends no more requests.
    expect(await counted('user:one')).toBe(22);
  });

  it('shares one allowance between nodes', async () => {
    const nodeA = createEditRateLimiter(scratch.redis, scratch.prefix, 20);
    const nodeB = createEditRateLimiter(scratch.redis, scratch.prefix, 20);
    const passedA = await allowed(nodeA, 'user:two', 15);
    const passedB = await allowed(nodeB, 'user:two', 15);
    // Each node may lose at most one unused lease of 2 events.
    expect(passedA + passedB).toBeLessThanOrEqual(20);
    expect(passedA + passedB).toBeGreaterThanOrEqual(18);
  });

  it('takes one lease for concurrent requests', async () => {
    const limiter = createEditRateLimiter(scratch.redis, scratch.prefix, 100);
    await Promise.all(Array.from({ length: 10 }, () => limiter.consume('user:three')));
    expect(await counted('user:three')).toBe(10);
    await limiter.consume('user:three');
    expect(await counted('user:three')).toBe(20);
  });

  it('rejects a flood on the node without asking Redis again', async () => {
    const limiter = createEditRateLimiter(scratch.redis, scratch.prefix, 10);
    expect(await allowed(limiter, 'user:four', 10)).toBe(10);
    expect(await allowed(limiter, 'user:four', 1)).toBe(0);
    const after = await counted('user:four');
    expect(await allowed(limiter, 'user:four', 50)).toBe(0);
    expect(await counted('user:four')).toBe(after);
  });

  it('allows events again in the next window', async () => {
    const limiter = createEditRateLimiter(scratch.redis, scratch.prefix, 10);
    expect(await allowed(limiter, 'user:five', 12)).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await allowed(limiter, 'user:five', 3)).toBe(3);
  });
});
