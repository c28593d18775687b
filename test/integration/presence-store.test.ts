import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../common/editing/protocol.js';
import { PresenceStore } from '../../server/realtime/presence-store.js';
import { useScratchRedis } from '../helpers/scratch-redis.js';

/**
 * Short enough that expiry shows within a test. A viewer refreshed halfway stays valid for 400 ms
 * after the check, so a slow machine does not expire it too.
 */
const TTL_MS = 1000;

const scratch = useScratchRedis();

const viewer = (id: string): Viewer => ({ id, userId: null, name: `Guest ${id}`, colour: '#123456', focus: null });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('presence store', () => {
  it('expires viewers whose node stopped refreshing', async () => {
    const store = new PresenceStore(scratch.redis, scratch.prefix, TTL_MS);
    for (const id of ['a', 'b', 'c']) await store.put('dataset-1', viewer(id));

    await sleep(TTL_MS / 2);
    await store.refresh('dataset-1', ['a', 'b']);
    await sleep(TTL_MS / 2 + 100);

    expect(await store.expire('dataset-1')).toEqual(['c']);
    const listed = await store.list('dataset-1');
    expect(listed.viewers.map((entry) => entry.id).sort()).toEqual(['a', 'b']);
    expect(listed.viewers[0]!.name).toMatch(/^Guest [ab]$/);
    expect(listed.expired).toEqual([]);
    expect(await scratch.redis.hkeys(`${scratch.prefix}:presence:dataset-1:viewers`)).not.toContain('c');
  });

  it('does not bring back a removed viewer on refresh', async () => {
    const store = new PresenceStore(scratch.redis, scratch.prefix, TTL_MS);
    await store.put('dataset-2', viewer('a'));
    await store.put('dataset-2', viewer('b'));
    await store.remove('dataset-2', 'b');

    await store.refresh('dataset-2', ['a', 'b']);

    expect((await store.list('dataset-2')).viewers.map((entry) => entry.id)).toEqual(['a']);
    expect(await scratch.redis.zcard(`${scratch.prefix}:presence:dataset-2`)).toBe(1);
  });

  it('refreshes and expires thousands of viewers', async () => {
    const store = new PresenceStore(scratch.redis, scratch.prefix, TTL_MS);
    const ids = Array.from({ length: 2500 }, (_, index) => `viewer-${index}`);
    await Promise.all(ids.map((id) => store.put('dataset-3', viewer(id))));

    await sleep(TTL_MS / 2);
    await store.refresh('dataset-3', ids.slice(0, 100));
    await sleep(TTL_MS / 2 + 100);

    const expired = await store.expire('dataset-3');
    expect(expired).toHaveLength(2400);
    expect(new Set(expired)).toEqual(new Set(ids.slice(100)));
    expect(await scratch.redis.hlen(`${scratch.prefix}:presence:dataset-3:viewers`)).toBe(100);
    expect((await store.list('dataset-3')).viewers).toHaveLength(100);
  });
});
