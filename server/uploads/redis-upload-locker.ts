import { randomUUID } from 'node:crypto';
import type { Lock, Locker, RequestRelease } from '@tus/utils';
import type { Redis } from 'ioredis';

/** How long a lock lives without being renewed; a crashed node's locks expire after this. */
const LOCK_TTL_MS = 30_000;
/** How often a holder renews its lock and checks whether another request wants it. */
const POLL_MS = 500;
/** How long a request waits for a lock before it fails with 500 "Timed out waiting for the upload lock". */
const ACQUIRE_TIMEOUT_MS = 30_000;

// Deletes or renews the key only while its value is still this holder's token.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * A tus locker shared by every server node through Redis, so two nodes behind the load balancer
 * never write the same upload at once. tus requests that the holder of a lock let go when a newer
 * request for the same upload arrives, such as a client resuming after a network drop while the old
 * connection still hangs. Here the waiter sets a release flag that the holder polls.
 */
export class RedisUploadLocker implements Locker {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  newLock(id: string): Lock {
    return new RedisUploadLock(this.redis, this.keyOf(id));
  }

  /**
   * Runs `task` while holding an upload's lock, unless a request holds the lock now, and returns
   * whether it ran. It never sets the release flag, so a request in progress keeps the upload.
   * Afterwards the upload's release flag is deleted too, so no key of the upload stays in Redis.
   * The lock is not renewed meanwhile, so `task` must finish well within LOCK_TTL_MS.
   */
  async runIfUnlocked(id: string, task: () => Promise<void>): Promise<boolean> {
    const key = this.keyOf(id);
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') return false;

    try {
      await task();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token);
      await this.redis.del(`${key}:release`);
    }
    return true;
  }

  private keyOf(id: string): string {
    return `${this.prefix}:tus-lock:${id}`;
  }
}

class RedisUploadLock implements Lock {
  private readonly token = randomUUID();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + ACQUIRE_TIMEOUT_MS;
    for (;;) {
      if (signal.aborted) throw Object.assign(new Error('lock request aborted'), { status_code: 499, body: 'Request aborted\n' });
      const acquired = await this.redis.set(this.key, this.token, 'PX', LOCK_TTL_MS, 'NX');
      if (acquired === 'OK') {
        await this.redis.del(`${this.key}:release`);
        this.hold(requestRelease);
        return;
      }
      await this.redis.set(`${this.key}:release`, '1', 'PX', LOCK_TTL_MS);
      if (Date.now() > deadline) throw Object.assign(new Error('Timed out waiting for the upload lock'), { status_code: 500, body: 'Timed out waiting for the upload lock, which another request holds; try again in a moment.' });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS / 2));
    }
  }

  async unlock(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }

  private hold(requestRelease: RequestRelease): void {
    this.timer = setInterval(() => {
      void this.renew(requestRelease);
    }, POLL_MS);
    this.timer.unref();
  }

  private async renew(requestRelease: RequestRelease): Promise<void> {
    try {
      await this.redis.eval(RENEW, 1, this.key, this.token, String(LOCK_TTL_MS));
      if ((await this.redis.get(`${this.key}:release`)) === '1') await requestRelease();
    } catch {
      // A failed renewal is retried on the next tick; the lock expires only after LOCK_TTL_MS.
    }
  }
}
