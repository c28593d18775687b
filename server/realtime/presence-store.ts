import type { Redis } from 'ioredis';
import type { Viewer } from '../../common/editing/protocol.js';

/**
 * Who views each dataset, kept in Redis so every node sees every viewer. Each viewer is a key with
 * a time-to-live that its node refreshes while the socket is connected, and a member of the
 * dataset's sorted set scored by that expiry; a viewer whose node died expires within `ttlMs`.
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
      .set(this.viewerKey(datasetId, viewer.id), JSON.stringify(viewer), 'PX', this.ttlMs)
      .zadd(this.setKey(datasetId), expiresAt, viewer.id)
      .pexpire(this.setKey(datasetId), this.ttlMs * 2)
      .exec();
  }

  /** Extends the time-to-live of viewers whose sockets are still connected. */
  async refresh(datasetId: string, viewerIds: string[]): Promise<void> {
    if (viewerIds.length === 0) return;
    const expiresAt = Date.now() + this.ttlMs;
    const batch = this.redis.multi();
    for (const id of viewerIds) {
      batch.pexpire(this.viewerKey(datasetId, id), this.ttlMs);
      batch.zadd(this.setKey(datasetId), 'XX', expiresAt, id);
    }
    batch.pexpire(this.setKey(datasetId), this.ttlMs * 2);
    await batch.exec();
  }

  async remove(datasetId: string, viewerId: string): Promise<void> {
    await this.redis.multi().zrem(this.setKey(datasetId), viewerId).del(this.viewerKey(datasetId, viewerId)).exec();
  }

  /** Lists the dataset's viewers and removes the expired ones, returning their ids as `expired`. */
  async list(datasetId: string): Promise<{ viewers: Viewer[]; expired: string[] }> {
    const now = Date.now();
    const setKey = this.setKey(datasetId);
    const expired = await this.redis.zrangebyscore(setKey, '-inf', now);
    if (expired.length > 0) await this.redis.zrem(setKey, ...expired);

    const ids = await this.redis.zrangebyscore(setKey, now, '+inf');
    if (ids.length === 0) return { viewers: [], expired };
    const stored = await this.redis.mget(ids.map((id) => this.viewerKey(datasetId, id)));
    const viewers = stored.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as Viewer);
    return { viewers, expired };
  }

  private setKey(datasetId: string): string {
    return `${this.prefix}:presence:${datasetId}`;
  }

  private viewerKey(datasetId: string, viewerId: string): string {
    return `${this.prefix}:presence:${datasetId}:${viewerId}`;
  }
}
