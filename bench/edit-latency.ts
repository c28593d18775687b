import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, DatasetChange, ServerToClientEvents } from '../common/events.js';
import { ApiClient } from './harness/api-client.js';
import { recreateDatabase } from './harness/database.js';
import { freePort, startTsProcess, waitForHttp, type BenchProcess } from './harness/processes.js';
import { round, type BenchmarkResult } from './harness/results.js';
import { BENCH_ADMIN, clearRedisPrefix } from './harness/stack.js';

export interface EditLatencyOptions {
  database: string;
  redisPrefix: string;
  /** Viewers in the room for each measurement, the probe included. */
  viewerCounts: number[];
  /**
   * Viewer layouts, each measured at every viewer count. `receiving` puts all viewers on node B
   * (the probe's node), the worst case for one node's fan-out. `spread` puts half on each node,
   * as a load balancer in front of two nodes places them.
   */
  layouts: ViewerLayout[];
  /** Measured edits (and bare broadcasts) per viewer count, after a warm-up. */
  edits: number;
  log: (line: string) => void;
}

type PortalSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ViewerLayout = 'receiving' | 'spread';
export const VIEWER_LAYOUTS: readonly ViewerLayout[] = ['receiving', 'spread'];

const WARM_UP = 30;
const ROWS = 50;
const COMMIT_SAMPLES = 300;

/**
 * Measures how long a live edit takes from the editor's send on one server node to its arrival
 * at a viewer connected to the other node, with 10 and 1,000 viewers in the room, beside the
 * same path for a bare Socket.IO broadcast through the same Redis adapter, and beside one
 * PostgreSQL commit. All processes run on this machine: two portal nodes, two bare nodes, a
 * process holding the other viewers, and this one, which sends and times.
 */
export async function runEditLatencyBenchmark(options: EditLatencyOptions): Promise<BenchmarkResult[]> {
  const databaseUrl = await recreateDatabase(options.database);
  await clearRedisPrefix(options.redisPrefix);
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-bench-edits-'));
  const processes: BenchProcess[] = [];
  try {
    const nodes = await startNodes(databaseUrl, options.redisPrefix, uploadDir, processes);
    const commit = await commitLatency(databaseUrl);
    options.log(`one PostgreSQL commit: p50 ${commit.p50Ms} ms`);

    const api = new ApiClient(nodes.portal[0]);
    await api.signIn(BENCH_ADMIN.email, BENCH_ADMIN.password);
    const dataset = await createDataset(api);

    const results: BenchmarkResult[] = [];
    for (const viewers of options.viewerCounts) {
      for (const layout of options.layouts) {
        const label = layoutLabel(viewers, layout);
        const portal = await measurePortal(nodes.portal, api.sessionCookie, dataset, viewers, layout, options.edits, processes);
        options.log(`portal edit, ${label}: p50 ${portal.p50Ms} ms, p99 ${portal.p99Ms} ms`);
        const bare = await measureBare(nodes.bare, viewers, layout, options.edits, processes);
        options.log(`bare broadcast, ${label}: p50 ${bare.p50Ms} ms, p99 ${bare.p99Ms} ms`);
        const suffix = layout === 'receiving' ? '' : '-spread';
        const where = describeLayout(layout);
        results.push(
          { name: `bare-broadcast-${viewers}-viewers${suffix}`, description: `Bare Socket.IO broadcast from node A to a viewer on node B through the Redis adapter, ${viewers} viewers in the room, ${where}`, viewers, layout, ...bare },
          {
            name: `live-edit-${viewers}-viewers${suffix}`,
            description: `dataset:edit sent to node A (rate limit, validation, one read, one guarded write with the change log, commit, broadcast) until the change arrives at a viewer on node B, ${viewers} viewers in the room, ${where}`,
            viewers,
            layout,
            ...portal,
            baseline: `bare-broadcast-${viewers}-viewers${suffix}`,
            ratio: round(portal.p50Ms / bare.p50Ms, 2),
            ratioP99: round(portal.p99Ms / bare.p99Ms, 2),
            p50TargetMs: round(2 + commit.p50Ms),
            meetsP50Target: portal.p50Ms <= 2 + commit.p50Ms,
            ...(viewers >= 1000 ? { meetsP99Target: portal.p99Ms < 25 } : {}),
          },
        );
      }
    }
    results.push({ name: 'postgres-commit', description: 'BEGIN; UPDATE one row; COMMIT from this process: the one commit the latency target allows for', ...commit });
    return results;
  } finally {
    await Promise.all(processes.map((child) => child.stop()));
    await rm(uploadDir, { recursive: true, force: true });
  }
}

async function startNodes(databaseUrl: string, redisPrefix: string, uploadDir: string, processes: BenchProcess[]) {
  const portal: string[] = [];
  for (const name of ['server-a', 'server-b']) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    processes.push(
      startTsProcess(name, 'server/main.ts', {
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: url,
        DATABASE_URL: databaseUrl,
        REDIS_PREFIX: redisPrefix,
        UPLOAD_DIR: uploadDir,
        ADMIN_EMAIL: BENCH_ADMIN.email,
        ADMIN_PASSWORD: BENCH_ADMIN.password,
        DEMO_DATA: 'false',
        // One editor sends as fast as the acknowledgements come back, above the default per-user limit.
        EDIT_RATE_PER_SECOND: '100000',
        // A thousand viewers join from one address; the limits are not what is measured.
        SOCKET_EVENT_RATE_LIMIT: '1000000',
      }),
    );
    portal.push(url);
  }
  const bare: string[] = [];
  for (const name of ['bare-a', 'bare-b']) {
    const port = await freePort();
    processes.push(startTsProcess(name, 'bench/harness/bare-broadcast-node.ts', { PORT: String(port), ADAPTER_KEY: `${redisPrefix}:bare` }));
    bare.push(`http://127.0.0.1:${port}`);
  }
  for (const url of portal) await waitForHttp(`${url}/api/v1/health`, processes);
  for (const url of bare) await waitForHttp(url, processes);
  return { portal: portal as [string, string], bare: bare as [string, string] };
}

async function createDataset(api: ApiClient): Promise<{ id: string; rows: string[] }> {
  const project = await api.request<{ id: string }>('POST', '/projects', { title: 'Edit latency' });
  const dataset = await api.request<{ id: string }>('POST', `/projects/${project.id}/datasets`, { title: 'Edit latency', visibility: 'public', state: 'published' });
  await api.request('POST', `/datasets/${dataset.id}/fields`, { label: 'Value', key: 'value', type: 'number' });
  const rows: string[] = [];
  for (let row = 0; row < ROWS; row += 1) {
    rows.push((await api.request<{ id: string }>('POST', `/datasets/${dataset.id}/samples`, { name: `row ${row}`, values: { value: row } })).id);
  }
  return { id: dataset.id, rows };
}

async function measurePortal(
  urls: [string, string],
  cookie: string,
  dataset: { id: string; rows: string[] },
  viewers: number,
  layout: ViewerLayout,
  edits: number,
  processes: BenchProcess[],
) {
  const swarms = await startSwarms(urls, viewers - 1, layout, 'fairport', dataset.id, processes);
  const writer = await connect(urls[0], cookie);
  const probe = await connect(urls[1], '');
  try {
    const joined = await probe.emitWithAck('dataset:join', { datasetId: dataset.id });
    if (!joined.ok) throw new Error(`the probe could not join: ${joined.error.message}`);
    let seq = joined.seq;
    const arrivals = new Map<string, (change: DatasetChange) => void>();
    probe.on('dataset:change', (change) => arrivals.get(change.mutationId ?? '')?.(change));

    const latencies: number[] = [];
    const acks: number[] = [];
    // Like the browser client, the writer names itself, so its own recent edits never conflict.
    const clientId = randomUUID();
    for (let index = 0; index < WARM_UP + edits; index += 1) {
      const mutationId = randomUUID();
      const arrived = new Promise<DatasetChange>((resolve) => arrivals.set(mutationId, resolve));
      const started = performance.now();
      let acknowledgedAfter = 0;
      const ack = writer.emitWithAck('dataset:edit', {
        datasetId: dataset.id,
        mutationId,
        baseSeq: seq,
        clientId,
        ops: [{ type: 'cell.set', sampleId: dataset.rows[index % dataset.rows.length]!, key: 'value', value: index }],
      });
      void ack.then(() => {
        acknowledgedAfter = performance.now() - started;
      });
      const change = await arrived;
      const arrival = performance.now() - started;
      const answer = await ack;
      if (!answer.ok) throw new Error(`edit failed: ${answer.error.message}`);
      seq = change.seq;
      arrivals.delete(mutationId);
      if (index >= WARM_UP) {
        latencies.push(arrival);
        acks.push(acknowledgedAfter);
      }
    }
    return { ...summarise(latencies), ackP50Ms: round(percentile(acks, 50)) };
  } finally {
    writer.disconnect();
    probe.disconnect();
    await Promise.all(swarms.map((swarm) => swarm.stop()));
  }
}

async function measureBare(urls: [string, string], viewers: number, layout: ViewerLayout, edits: number, processes: BenchProcess[]) {
  const room = `room-${randomUUID()}`;
  const swarms = await startSwarms(urls, viewers - 1, layout, 'bare', room, processes);
  const sender = io(urls[0], { transports: ['websocket'], forceNew: true, reconnection: false });
  const probe = io(urls[1], { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await Promise.all([connected(sender), connected(probe)]);
    await probe.emitWithAck('join', room);
    const arrivals = new Map<string, () => void>();
    probe.on('relayed', (message: { id: string }) => arrivals.get(message.id)?.());

    const latencies: number[] = [];
    for (let index = 0; index < WARM_UP + edits; index += 1) {
      const id = randomUUID();
      const arrived = new Promise<void>((resolve) => arrivals.set(id, resolve));
      const started = performance.now();
      const ack = sender.emitWithAck('relay', { room, id, value: index });
      await arrived;
      if (index >= WARM_UP) latencies.push(performance.now() - started);
      await ack;
      arrivals.delete(id);
    }
    return summarise(latencies);
  } finally {
    sender.disconnect();
    probe.disconnect();
    await Promise.all(swarms.map((swarm) => swarm.stop()));
  }
}

/**
 * Starts the viewers other than the probe: all on node B for `receiving`, or half on each node
 * for `spread` (node B gets the odd one, so with the probe it has at least half the room).
 */
async function startSwarms(urls: [string, string], count: number, layout: ViewerLayout, mode: 'fairport' | 'bare', room: string, processes: BenchProcess[]): Promise<BenchProcess[]> {
  const onNodeA = layout === 'spread' ? Math.floor(count / 2) : 0;
  const swarms: BenchProcess[] = [];
  if (onNodeA > 0) swarms.push(await startSwarm(urls[0], onNodeA, mode, room, processes));
  if (count - onNodeA > 0) swarms.push(await startSwarm(urls[1], count - onNodeA, mode, room, processes));
  return swarms;
}

function layoutLabel(viewers: number, layout: ViewerLayout): string {
  return `${viewers} viewers ${layout === 'spread' ? 'spread over both nodes' : 'on node B'}`;
}

function describeLayout(layout: ViewerLayout): string {
  return layout === 'spread' ? 'half of them on each node, as a load balancer places them' : 'all of them on node B, the receiving node';
}

async function startSwarm(url: string, count: number, mode: 'fairport' | 'bare', room: string, processes: BenchProcess[]): Promise<BenchProcess> {
  const swarm = startTsProcess(`viewers-${mode}-${count}`, 'bench/harness/viewer-swarm.ts', { URL: url, COUNT: String(count), MODE: mode, ROOM: room });
  processes.push(swarm);
  const deadline = Date.now() + 120_000;
  while (!swarm.output().includes('ready')) {
    if (swarm.child.exitCode !== null) throw new Error(`the viewer process exited:\n${swarm.output()}`);
    if (Date.now() > deadline) throw new Error(`the viewers did not join within 120 s (timed out):\n${swarm.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return swarm;
}

async function connect(url: string, cookie: string): Promise<PortalSocket> {
  const socket: PortalSocket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: cookie ? { cookie } : {} });
  await connected(socket);
  return socket;
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** Times COMMIT_SAMPLES single-row update transactions on one connection. */
async function commitLatency(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // A regular table, because a temporary one writes no WAL and its commit would cost less than a real one.
    await client.query('CREATE TABLE IF NOT EXISTS bench_commit_probe (id int PRIMARY KEY, n int)');
    await client.query('INSERT INTO bench_commit_probe VALUES (1, 0) ON CONFLICT DO NOTHING');
    const latencies: number[] = [];
    for (let index = 0; index < COMMIT_SAMPLES; index += 1) {
      const started = performance.now();
      await client.query('BEGIN');
      await client.query('UPDATE bench_commit_probe SET n = n + 1 WHERE id = 1');
      await client.query('COMMIT');
      latencies.push(performance.now() - started);
    }
    return summarise(latencies);
  } finally {
    await client.end();
  }
}

function summarise(latencies: number[]) {
  return {
    samples: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    meanMs: round(latencies.reduce((sum, value) => sum + value, 0) / latencies.length),
    maxMs: round(Math.max(...latencies)),
  };
}

/** The nearest-rank percentile of a non-empty list. */
function percentile(values: readonly number[], rank: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1))]!;
}
