import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropRedisPrefix, uniqueRedisPrefix, type TestDatabase } from './database.js';
import { freePort, startTsProcess, waitForHealthy, type ManagedProcess } from './processes.js';

export const ADMIN = { email: 'admin@example.org', password: 'test-admin-password' } as const;

/** Rate limits high enough that only the tests about rate limits ever reach them. */
export const GENEROUS_RATE_LIMITS = {
  API_RATE_LIMIT: '1000000',
  SOCKET_EVENT_RATE_LIMIT: '1000000',
  SIGN_IN_RATE_LIMIT: '10000',
  MAIL_RATE_LIMIT: '10000',
  EDIT_RATE_PER_SECOND: '1000',
} as const;

export interface Stack {
  /** Base URL of the first server node, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Base URLs of every server node. */
  urls: string[];
  database: TestDatabase;
  env: Record<string, string>;
  servers: ManagedProcess[];
  workers: ManagedProcess[];
  /** Signs in and returns the Cookie header value. */
  signIn(credentials?: { email: string; password: string }, baseUrl?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  servers?: number;
  workers?: number;
  env?: Record<string, string>;
  /** Keep every line the processes write, for tests that search the logs. */
  keepFullOutput?: boolean;
}

/**
 * Starts server nodes and workers as real processes on one fresh database and one Redis prefix,
 * the way they run in production. Each test file gets a stack of its own.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase();
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-uploads-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    REDIS_PREFIX: uniqueRedisPrefix(),
    UPLOAD_DIR: uploadDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DEMO_DATA: 'false',
    ...GENEROUS_RATE_LIMITS,
    ...options.env,
  };

  const outputLimit = options.keepFullOutput ? Infinity : undefined;
  const servers: ManagedProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < (options.servers ?? 1); i += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    servers.push(startTsProcess('server/main.ts', { ...env, PORT: String(port), PUBLIC_URL: url }, outputLimit));
    urls.push(url);
  }
  const workers: ManagedProcess[] = [];
  for (let i = 0; i < (options.workers ?? 1); i += 1) {
    // Workers write links to the portal into emails, so they get the address of the first node.
    workers.push(startTsProcess('workers/main.ts', { ...env, PUBLIC_URL: urls[0] ?? 'http://localhost:3000' }, outputLimit));
  }

  const stop = async () => {
    await Promise.all([...servers, ...workers].map((p) => p.stop()));
    await database.drop();
    await dropRedisPrefix(env.REDIS_PREFIX!);
    await rm(uploadDir, { recursive: true, force: true });
  };

  try {
    await Promise.all(urls.map((url) => waitForHealthy(`${url}/api/v1/health`, [...servers, ...workers])));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: urls[0]!,
    urls,
    database,
    env,
    servers,
    workers,
    signIn: (credentials = ADMIN, baseUrl = urls[0]!) => signIn(baseUrl, credentials),
    stop,
  };
}

async function signIn(baseUrl: string, credentials: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw new Error(`Sign-in failed with ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie');
  if (!cookie) throw new Error('Sign-in set no cookie');
  return cookie.split(';')[0]!;
}
