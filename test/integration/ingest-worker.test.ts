import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetChange, ImportProgress, ServerToClientEvents } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import { loadConfig } from '../../server/config/load-config.js';
import { createIngestQueue, enqueueAnalysis, enqueueLoad } from '../../server/jobs/queues.js';
import { redisKeys } from '../../server/redis/connections.js';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { dropRedisPrefix, uniqueRedisPrefix } from '../helpers/database.js';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

const prefix = uniqueRedisPrefix();
let world: IngestWorld;
let worker: RunningWorker;
let io: Server;
let httpServer: http.Server;
const redisClients: Redis[] = [];
let client: Socket<ServerToClientEvents>;
const progress: ImportProgress[] = [];
const changes: DatasetChange[] = [];
let datasetId: string;

beforeAll(async () => {
  world = await createIngestWorld();
  datasetId = await world.createDataset('Watched');

  // A Socket.IO server on the same adapter key as the worker's emitter, standing in for a
  // server node: it puts every client in the room named in its handshake.
  const pub = new Redis('redis://127.0.0.1:6379');
  const sub = pub.duplicate();
  redisClients.push(pub, sub);
  httpServer = http.createServer();
  io = new Server(httpServer, { adapter: createAdapter(pub, sub, { key: redisKeys(prefix).socketIo }) });
  io.on('connection', (socket) => void socket.join(String(socket.handshake.query.room)));
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  const { port } = httpServer.address() as AddressInfo;

  client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], query: { room: rooms.dataset(datasetId) }, reconnection: false });
  client.on('import:progress', (event) => progress.push(event));
  client.on('dataset:change', (event) => changes.push(event));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });

  worker = await startWorker(
    loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: world.database.url,
      REDIS_PREFIX: prefix,
      UPLOAD_DIR: world.uploads.root,
      WORKER_CONCURRENCY: '1',
    }),
  );
});

afterAll(async () => {
  client?.disconnect();
  await worker?.close();
  io?.close();
  await Promise.allSettled(redisClients.map((redis) => redis.quit()));
  await world?.close();
  await dropRedisPrefix(prefix);
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('worker on the ingest queue', () => {
  it('imports a queued file and reports progress to the dataset room', async () => {
    const rows = Array.from({ length: 3000 }, (_, index) => `S${index},${(index % 170) - 85},${(index % 350) - 175},${index * 0.5}`);
    const importId = await world.addImport(datasetId, { content: `name,lat,lon,value\n${rows.join('\n')}\n`, name: 'queued.csv' });

    const queueConnection = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    redisClients.push(queueConnection);
    const queue = createIngestQueue(queueConnection, redisKeys(prefix).bullmq);
    await enqueueAnalysis(queue, importId, 0);
    await waitFor(() => progress.some((event) => event.importId === importId && event.state === 'awaiting_review'));
    await world.knex('imports').where({ id: importId }).update({ state: 'queued', phase: 'queued', invalidRows: 'reject', loadRequestedAt: world.knex.fn.now() });
    await enqueueLoad(queue, importId);
    await waitFor(() => progress.some((event) => event.importId === importId && event.state === 'completed'));
    await waitFor(() => changes.length > 0);
    await queue.close();

    const events = progress.filter((event) => event.importId === importId);
    const phases = [...new Set(events.map((event) => event.phase))];
    expect(phases).toEqual(['analysing', 'review', 'loading', 'indexing', 'done']);
    expect(events.every((event) => event.datasetId === datasetId)).toBe(true);
    const loading = events.filter((event) => event.phase === 'loading');
    expect(loading[0]).toMatchObject({ state: 'running', rowsTotal: 3000 });
    expect(events.at(-1)).toMatchObject({
      state: 'completed',
      phase: 'done',
      rowsDone: 3000,
      rowsTotal: 3000,
      counts: { rows: 3000, samples: 3000, located: 3000, unlocated: 0, measurements: 0, fieldsCreated: 1, rejectedRows: 0 },
      error: null,
    });

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      datasetId,
      seq: 1,
      author: { type: 'import', id: importId, userId: world.userId },
      ops: [{ type: 'import.merge', importId, samplesAdded: 3000, fieldsAdded: ['value'] }],
    });
    expect(await datasetSnapshot(world.knex, datasetId)).toMatchObject({ sampleCount: 3000, locatedCount: 3000, seq: 1 });
  });
});
