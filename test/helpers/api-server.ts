import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config/load-config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { createTestDatabase, dropRedisPrefix, uniqueRedisPrefix, type TestDatabase } from './database.js';
import { ADMIN, GENEROUS_RATE_LIMITS } from './stack.js';

export interface ApiServer {
  url: string;
  server: RunningServer;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * Starts a server node inside the test process on a database of its own. Models bind to one
 * knex instance per process, so a test file starts at most one in-process server.
 */
export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const database = await createTestDatabase();
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-api-uploads-'));
  const redisPrefix = uniqueRedisPrefix();
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: database.url,
    REDIS_PREFIX: redisPrefix,
    UPLOAD_DIR: uploadDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...GENEROUS_RATE_LIMITS,
    ...env,
  });
  const server = await startServer(config);
  return {
    url: server.url,
    server,
    database,
    async close() {
      await server.close();
      await database.drop();
      await dropRedisPrefix(redisPrefix);
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/** A tiny fetch wrapper that keeps a session cookie and parses JSON responses. */
export class TestClient {
  cookie = '';

  constructor(readonly baseUrl: string) {}

  async signIn(email: string = ADMIN.email, password: string = ADMIN.password): Promise<this> {
    const response = await this.post('/auth/sign-in', { email, password });
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
    return this;
  }

  get(apiPath: string, headers: Record<string, string> = {}) {
    return this.send('GET', apiPath, undefined, headers);
  }

  post(apiPath: string, body: unknown) {
    return this.send('POST', apiPath, body);
  }

  patch(apiPath: string, body: unknown) {
    return this.send('PATCH', apiPath, body);
  }

  async send(method: string, apiPath: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.baseUrl}/api/v1${apiPath}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      // Redirects are responses to check, not to follow.
      redirect: 'manual',
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Leave non-JSON bodies as text.
    }
    // Tests check responses field by field, so the parsed body is left untyped.
    return { status: response.status, headers: response.headers, body: parsed as any };
  }
}
