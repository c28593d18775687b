import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import type { LiveNotice } from '../common/api/notices.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/events.js';
import { rooms } from '../common/events.js';
import { redisKeys } from '../server/redis/connections.js';
import { migrateDatabase } from './harness/database.js';
import { median, round, type BenchmarkResult } from './harness/results.js';
import { BENCH_ADMIN, startBenchStack, type BenchStack } from './harness/stack.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Settings of the notice fan-out benchmark. */
export interface NoticeBenchOptions {
  clients: number;
  /** Notices sent, and as many bare broadcasts. */
  notices: number;
  database: string;
  redisPrefix: string;
  log: (line: string) => void;
}

/** Arrival times of one broadcast at every client, in milliseconds after it was sent. */
interface Delivery {
  /** From the start of the request (or of the emit) until the last client had the message. */
  lastMs: number;
  p50Ms: number;
  p99Ms: number;
}

const MEMBER = { email: 'bench-member@example.org', password: 'bench-member-password', displayName: 'Bench Member' };
/** Connections opened at once while connecting the clients; more makes the servers' handshakes queue up. */
const CONNECT_BATCH = 250;
/** A pause between broadcasts, so one broadcast's tail does not overlap the next. */
const SETTLE_MS = 300;
/** Rounds of one notice and one bare broadcast sent first and left out of the figures: the first ones pay for JIT compilation and cold caches. */
const WARM_UP_ROUNDS = 3;
/** Time a broadcast may take to reach every client before the run is reported as failed. */
const DELIVERY_TIMEOUT_MS = 60_000;

/**
 * Measures how long one notice takes to reach `clients` Socket.IO clients spread evenly over two
 * server nodes: from the admin's POST /notices (HTTP, validation, insert, job scheduling, emit
 * through the Redis adapter) until the last client received `notice:upsert`. The baseline, in
 * the same run and to the same sockets, is a bare Socket.IO broadcast of the same payload to
 * the same room from a Redis emitter, which skips HTTP and PostgreSQL. Notices and bare
 * broadcasts alternate, so both see the same machine load.
 */
export async function runNoticeBenchmark(options: NoticeBenchOptions): Promise<BenchmarkResult[]> {
  assertFileLimit(options.clients);
  const databaseUrl = await migrateDatabase(options.database);
  options.log(`starting two server nodes and a worker on ${options.database}`);
  const stack = await startBenchStack({ databaseUrl, redisPrefix: options.redisPrefix, servers: 2 });
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const clients: ClientSocket[] = [];
  try {
    const adminCookie = await signIn(stack.url, BENCH_ADMIN);
    const memberCookie = await memberSession(stack.url, adminCookie);
    options.log(`connecting ${options.clients} clients`);
    const connectStarted = performance.now();
    clients.push(...(await connectClients(stack, memberCookie, options.clients)));
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    options.log(`  connected in ${connectSeconds.toFixed(1)} s`);

    const arrivals = recordArrivals(clients);
    const emitter = new Emitter<ServerToClientEvents>(redis, { key: redisKeys(options.redisPrefix).socketIo });
    const notices: Delivery[] = [];
    const bare: Delivery[] = [];
    const created: string[] = [];
    let payload: LiveNotice | null = null;

    for (let run = -WARM_UP_ROUNDS; run < options.notices; run += 1) {
      const notice = await sendNotice(stack.url, adminCookie, arrivals, clients.length, run);
      created.push(notice.live.id);
      payload = notice.live;
      await sleep(SETTLE_MS);

      const broadcast = await sendBare(emitter, arrivals, clients.length, { ...payload, id: `bare-${run}-${payload.id}` });
      await sleep(SETTLE_MS);
      const label = run < 0 ? `warm-up ${run + WARM_UP_ROUNDS + 1}` : `run ${run + 1}`;
      options.log(`  ${label}: notice ${notice.delivery.lastMs.toFixed(1)} ms, bare ${broadcast.lastMs.toFixed(1)} ms to the last client`);
      if (run < 0) continue;
      notices.push(notice.delivery);
      bare.push(broadcast);
    }
    await withdrawAll(stack.url, adminCookie, created);

    return summarise(notices, bare, options, connectSeconds, await peakRss(stack));
  } finally {
    clients.forEach((client) => client.disconnect());
    await redis.quit();
    await stack.stop();
  }
}

/** Fails early when this process may not open a socket per client (plus headroom for everything else). */
function assertFileLimit(clients: number): void {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  if (Number.isFinite(limit) && limit < clients + 500) {
    throw new Error(`The open-file limit is ${limit}, too low for ${clients} clients; raise it with \`ulimit -n ${clients + 1000}\` or pass a smaller --clients.`);
  }
}

async function signIn(url: string, credentials: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw new Error(`sign-in of ${credentials.email} failed with HTTP ${response.status}: ${await response.text()}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

/** Creates the member account on first use (a 409 means an earlier run made it) and signs it in. */
async function memberSession(url: string, adminCookie: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: adminCookie },
    body: JSON.stringify({ ...MEMBER, role: 'member' }),
  });
  if (!response.ok && response.status !== 409) throw new Error(`creating the member account failed with HTTP ${response.status}: ${await response.text()}`);
  return signIn(url, MEMBER);
}

/**
 * Opens the clients, alternating between the two nodes, each with an engine of its own over a
 * websocket only, all signed in as the same member as a user with many tabs would be.
 */
async function connectClients(stack: BenchStack, cookie: string, count: number): Promise<ClientSocket[]> {
  const clients: ClientSocket[] = [];
  for (let start = 0; start < count; start += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - start) }, (_, offset) => openClient(stack.urls[(start + offset) % 2]!, cookie));
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

function openClient(url: string, cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    // The snapshot arrives after the server joined the socket to its rooms.
    socket.once('notice:active', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`a client could not connect to ${url}: ${error.message}`)));
  });
}

/** Arrival times by notice id: one performance.now() per client that received it. */
type Arrivals = Map<string, number[]>;

function recordArrivals(clients: ClientSocket[]): Arrivals {
  const arrivals: Arrivals = new Map();
  for (const client of clients) {
    client.on('notice:upsert', (notice) => {
      const times = arrivals.get(notice.id) ?? [];
      times.push(performance.now());
      arrivals.set(notice.id, times);
    });
  }
  return arrivals;
}

async function sendNotice(url: string, cookie: string, arrivals: Arrivals, expected: number, run: number): Promise<{ delivery: Delivery; live: LiveNotice }> {
  // The clock starts before the request, so the figure covers HTTP, PostgreSQL and the emit. The
  // response is read after the clients' messages, because they share this process's event loop.
  const started = performance.now();
  const response = await fetch(`${url}/api/v1/notices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ level: 'info', title: `Benchmark notice ${run}`, bodyMarkdown: 'A notice sent by the **fan-out benchmark**; see [the method](https://example.org/bench).' }),
  });
  if (response.status !== 201) throw new Error(`POST /notices failed with HTTP ${response.status}: ${await response.text()}`);
  const notice = (await response.json()) as { id: string };

  const times = await waitForArrivals(arrivals, notice.id, expected);
  const live = await firstPayload(url, cookie, notice.id);
  return { delivery: distribution(times, started), live };
}

async function sendBare(emitter: Emitter<ServerToClientEvents>, arrivals: Arrivals, expected: number, payload: LiveNotice): Promise<Delivery> {
  const started = performance.now();
  emitter.to(rooms.everyone).emit('notice:upsert', payload);
  const times = await waitForArrivals(arrivals, payload.id, expected);
  return distribution(times, started);
}

async function waitForArrivals(arrivals: Arrivals, id: string, expected: number): Promise<number[]> {
  const deadline = performance.now() + DELIVERY_TIMEOUT_MS;
  while ((arrivals.get(id)?.length ?? 0) < expected) {
    if (performance.now() > deadline) {
      throw new Error(`only ${arrivals.get(id)?.length ?? 0} of ${expected} clients received ${id} within ${DELIVERY_TIMEOUT_MS} ms (timed out)`);
    }
    await sleep(1);
  }
  return arrivals.get(id)!;
}

/** Reads the notice as clients get it, so the bare broadcast sends the same bytes. */
async function firstPayload(url: string, cookie: string, id: string): Promise<LiveNotice> {
  const response = await fetch(`${url}/api/v1/notices/active`, { headers: { cookie } });
  const snapshot = (await response.json()) as { notices: LiveNotice[] };
  const found = snapshot.notices.find((notice) => notice.id === id);
  if (!found) throw new Error(`notice ${id} is not among the active notices`);
  return found;
}

function distribution(times: number[], started: number): Delivery {
  const sorted = times.map((time) => time - started).sort((a, b) => a - b);
  return { lastMs: sorted.at(-1)!, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}

/** Returns the nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

async function withdrawAll(url: string, cookie: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    await fetch(`${url}/api/v1/notices/${id}/withdraw`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
  }
}

async function peakRss(stack: BenchStack): Promise<(number | null)[]> {
  return Promise.all(stack.servers.map((server) => server.peakRssMegabytes()));
}

function summarise(notices: Delivery[], bare: Delivery[], options: NoticeBenchOptions, connectSeconds: number, serverPeaks: (number | null)[]): BenchmarkResult[] {
  const last = (runs: Delivery[]) => [...runs.map((run) => run.lastMs)].sort((a, b) => a - b);
  const noticeLast = last(notices);
  const bareLast = last(bare);
  const figures = (runs: Delivery[], sorted: number[]) => ({
    clients: options.clients,
    runs: runs.length,
    lastClientP50Ms: round(percentile(sorted, 0.5), 1),
    lastClientP99Ms: round(percentile(sorted, 0.99), 1),
    lastClientMaxMs: round(sorted.at(-1)!, 1),
    perClientMedianOfP50Ms: round(median(runs.map((run) => run.p50Ms)), 1),
    perClientMedianOfP99Ms: round(median(runs.map((run) => run.p99Ms)), 1),
    lastClientMsPerRun: runs.map((run) => round(run.lastMs, 1)),
  });

  return [
    {
      name: 'notice-fanout',
      description: `POST /notices for everyone until the last of ${options.clients} clients on two server nodes received notice:upsert`,
      baseline: 'bare-socketio-broadcast',
      ratio: round(percentile(noticeLast, 0.5) / percentile(bareLast, 0.5), 2),
      ratioP99: round(percentile(noticeLast, 0.99) / percentile(bareLast, 0.99), 2),
      ...figures(notices, noticeLast),
      warmUpRounds: WARM_UP_ROUNDS,
      connectSeconds: round(connectSeconds, 1),
      serverPeakRssMegabytes: serverPeaks,
    },
    {
      name: 'bare-socketio-broadcast',
      description: 'The same payload emitted to the same room from a Redis emitter, reaching the same sockets through the Redis adapter without HTTP or PostgreSQL',
      ...figures(bare, bareLast),
    },
  ];
}
