import type { Server } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import session from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionMiddleware } from '../../server/auth/session.js';
import type { Config } from '../../server/config/env.js';
import { acceptEndCallback } from '../../server/uploads/response-end-callback.js';

/**
 * `res.end(callback)` behind the portal's session middleware (rolling sessions, which save as the
 * response ends), as the tus server ends its DELETE responses.
 */
const config = { PUBLIC_URL: 'http://127.0.0.1', SESSION_SECRET: 'a test secret of enough length', TRUST_PROXY: false, SESSION_MAX_AGE_HOURS: 1 } as Config;
const errors: unknown[] = [];
let callbacks = 0;
let server: Server;
let baseUrl: string;
let cookie: string;

beforeAll(async () => {
  const app = express();
  app.use(createSessionMiddleware(config, undefined as never, new session.MemoryStore()));
  app.get('/sign-in', (req, res) => {
    req.session.userId = 'user-1';
    res.end('signed in');
  });
  app.get('/end', (req, res) => {
    if (req.query.accept === 'yes') acceptEndCallback(res);
    res.statusCode = 204;
    res.end(() => {
      callbacks += 1;
    });
  });
  const recordError: ErrorRequestHandler = (error, _req, res, _next) => {
    errors.push(error);
    if (!res.headersSent) res.status(500);
    res.end();
  };
  app.use(recordError);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
  const signedIn = await fetch(`${baseUrl}/sign-in`);
  cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('response end callback', () => {
  it('fails behind rolling sessions without it', async () => {
    errors.length = 0;
    await fetch(`${baseUrl}/end`, { headers: { cookie } });
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('runs the callback when the response finishes', async () => {
    errors.length = 0;
    callbacks = 0;
    const response = await fetch(`${baseUrl}/end?accept=yes`, { headers: { cookie } });
    expect(response.status).toBe(204);
    await expect.poll(() => callbacks).toBe(1);
    expect(errors).toEqual([]);
    expect(response.headers.get('set-cookie')).toContain('fairport.sid=');
  });
});
