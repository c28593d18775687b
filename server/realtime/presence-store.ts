import type { Redis } from 'ioredis';
import type { Viewer } from '../../common/editing/protocol.js';

/** Maximum expired viewers removed per HDEL in the expiry script, well below Lua's limit on unpacked arguments (about 8,000). */
const EXPIRE_BATCH = 1000;

/**
 * Removes the members of a sorted set scored at or below ARGV[1] and their fields in a hash, in
 * one atomic step, and returns their ids. KEYS[1] is the sorted set, KEYS[2] the hash.
 */
const EXPIRE_SCRIPT = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #expired == 0 then return expired end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for first = 1, #expired, ${EXPIRE_BATCH} do
  redis.call('HDEL', KEYS[2], unpack(expired, first, math.min(first + ${EXPIRE_BATCH - 1}, #expired)))
end
return expired`;

/**
 * Who views each dataset, kept in Redis so that every node can list every viewer. Per dataset, a
 * sorted set scores each viewer id by its expiry, and a hash stores each viewer's name, colour and
 * focus. A node refreshes its connected viewers with one command per dataset, so a room of
 * thousands costs a few commands per heartbeat. A viewer whose node died expires within `ttlMs`,
 * and both keys expire when no node refreshes them.
 */
export class PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlMs: number,
  ) {}

  /** Stores or refreshes a viewer. */
  async put(datasetId: string, viewer: Viewer): Promise<void> {
    const expiresAt = Date.now() + this.ttlMs;
    await this.redis
      .multi()
      .hset(this.viewersKey(datasetId), viewer.id, JSON.stringify(viewer))
      .zadd(this.setKey(datasetId), expiresAt, viewer.id)
      .pexpire(this.viewersKey(datasetId), this.ttlMs * 2)
      .pexpire(this.setKey(datasetId), this.ttlMs * 2)
      .exec();
  }

  /** Extends the time-to-live of viewers whose sockets are still connected. Viewers already removed stay removed. */
  async refresh(datasetId: string, viewerIds: string[]): Promise<void> {
    if (viewerIds.length === 0) return;
    const expiresAt = Date.now() + this.ttlMs;
    const scored = viewerIds.flatMap((id) => [expiresAt, id]);
    await this.redis
      .multi()
      .zadd(this.setKey(datasetId), 'XX', ...scored)
      .pexpire(this.viewersKey(datasetId), this.ttlMs * 2)
      .pexpire(this.setKey(datasetId), this.ttlMs * 2)
      .exec();
  }

  async remove(datasetId: string, viewerId: string): Promise<void> {
    await this.redis.multi().zrem(this.setKey(datasetId), viewerId).hdel(this.viewersKey(datasetId), viewerId).exec();
  }

  /** Removes the dataset's expired viewers and returns their ids. */
  async expire(datasetId: string): Promise<string[]> {
    return (await this.redis.eval(EXPIRE_SCRIPT, 2, this.setKey(datasetId), this.viewersKey(datasetId), Date.now())) as string[];
  }

  /** Lists the dataset's viewers and removes the expired ones, returning their ids as `expired`. */
  async list(datasetId: string): Promise<{ viewers: Viewer[]; expired: string[] }> {
    const expired = await this.expire(datasetId);
    const ids = await this.redis.zrangebyscore(this.setKey(datasetId), Date.now(), '+inf');
    if (ids.length === 0) return { viewers: [], expired };
    const stored = await this.redis.hmget(this.viewersKey(datasetId), ...ids);
    const viewers = stored.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as Viewer);
    return { viewers, expired };
  }

  private setKey(datasetId: string): string {
    return `${this.prefix}:presence:${datasetId}`;
  }

  private viewersKey(datasetId: string): string {
    return `${this.prefix}:presence:${datasetId}:viewers`;
  }
}
