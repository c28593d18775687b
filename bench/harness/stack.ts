import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, REPO_ROOT, startNodeProcess, startTsProcess, timeCommand, waitForHttp, type BenchProcess } from './processes.js';
import { WORKER_NODE_OPTIONS } from '../../workers/node-options.js';

/** The portal as the benchmarks run it: server nodes and one worker process on their own database and Redis prefix. */
export interface BenchStack {
  /** Base URL of the first server node. */
  url: string;
  /** Base URLs of every server node, in the order of `servers`. */
  urls: string[];
  /** The first server node. */
  server: BenchProcess;
  servers: BenchProcess[];
  worker: BenchProcess;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  databaseUrl: string;
  redisPrefix: string;
  /** Extra environment for both processes. */
  env?: Record<string, string>;
  /**
   * Folder of a `tsc -p tsconfig.build.json` build to run the worker from, as production does,
   * instead of the TypeScript source under tsx; see buildServerCode.
   */
  compiledDir?: string;
  /** Number of server nodes (default 1); they share the database and the Redis prefix. */
  servers?: number;
}

/** Admin credentials the stack is started with. */
export const BENCH_ADMIN = { email: 'bench-admin@example.org', password: 'bench-admin-password' } as const;

/**
 * Starts `server/main.ts` and `workers/main.ts` as child processes on a free loopback port,
 * after removing what an earlier run left under the Redis prefix.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  await clearRedisPrefix(options.redisPrefix);
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-bench-uploads-'));
  const ports: number[] = [];
  for (let node = 0; node < (options.servers ?? 1); node += 1) ports.push(await freePort());
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const url = urls[0]!;
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(ports[0]),
    PUBLIC_URL: url,
    DATABASE_URL: options.databaseUrl,
    REDIS_PREFIX: options.redisPrefix,
    UPLOAD_DIR: uploadDir,
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    DEMO_DATA: 'false',
    // One process plays thousands of clients from one address; the limits are not what is measured.
    SOCKET_EVENT_RATE_LIMIT: '1000000',
    API_RATE_LIMIT: '1000000',
    ...options.env,
  };

  const servers = ports.map((port, node) =>
    startTsProcess(node === 0 ? 'server' : `server-${node + 1}`, 'server/main.ts', { ...env, PORT: String(port), PUBLIC_URL: urls[node]! }),
  );
  const server = servers[0]!;
  // The worker runs with the same heap cap as under `npm start` and in Compose.
  const workerEnv = { ...env, NODE_OPTIONS: WORKER_NODE_OPTIONS };
  const worker = options.compiledDir
    ? startNodeProcess('worker', [path.join(options.compiledDir, 'workers/main.js')], workerEnv)
    : startTsProcess('worker', 'workers/main.ts', workerEnv);
  const stop = async () => {
    await Promise.all([...servers.map((node) => node.stop()), worker.stop()]);
    await rm(uploadDir, { recursive: true, force: true });
  };
  try {
    await Promise.all(urls.map((nodeUrl) => waitForHttp(`${nodeUrl}/api/v1/health`, [...servers, worker])));
    await waitForLog(worker, 'worker started');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, urls, server, servers, worker, env, stop };
}

async function waitForLog(process: BenchProcess, message: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!process.output().includes(`"msg":"${message}"`)) {
    if (process.child.exitCode !== null) throw new Error(`${process.name} exited:\n${process.output()}`);
    if (Date.now() > deadline) throw new Error(`${process.name} did not log "${message}":\n${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Deletes every key under a Redis prefix that a benchmark owns. */
export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

/** Reads the JSON log lines of a process that carry the given message. */
export function logEntries(process: BenchProcess, message: string): Record<string, unknown>[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.includes(`"msg":"${message}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Compiles the server-side code with tsconfig.build.json into `outDir`, linking the repository's
 * node_modules and package.json beside it so the compiled files resolve their packages.
 */
export async function buildServerCode(outDir: string): Promise<void> {
  await timeCommand(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', outDir]);
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(outDir, 'node_modules'));
  await symlink(path.join(REPO_ROOT, 'package.json'), path.join(outDir, 'package.json'));
}
