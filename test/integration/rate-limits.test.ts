import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/events.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const API_LIMIT = 30;
const EVENT_LIMIT = 5;

let api: ApiServer;
let admin: TestClient;

beforeAll(async () => {
  api = await startApiServer({ API_RATE_LIMIT: String(API_LIMIT), SOCKET_EVENT_RATE_LIMIT: String(EVENT_LIMIT), MAIL_RATE_LIMIT: '2' });
  admin = await new TestClient(api.url).signIn();
});

afterAll(async () => {
  await api?.close();
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a user spends the API budget', async () => {
    await admin.post('/users', { email: 'busy@example.org', displayName: 'Busy', password: 'busy-password-1' });
    const busy = await new TestClient(api.url).signIn('busy@example.org', 'busy-password-1');
    const statuses: number[] = [];
    for (let request = 0; request < API_LIMIT + 2; request += 1) statuses.push((await busy.get('/projects')).status);

    // The sign-in counted against the client address, as it came before the session.
    expect(statuses.slice(0, API_LIMIT)).toEqual(Array(API_LIMIT).fill(200));
    expect(statuses.slice(API_LIMIT)).toEqual([429, 429]);
    const limited = await busy.get('/projects');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await admin.get('/projects')).status).toBe(200);
    expect((await busy.get('/health')).status).toBe(200);
  });

  it('refuses socket events over the budget with a typed ack', async () => {
    const socket: ClientSocket = connect(api.url, { transports: ['websocket'], extraHeaders: { cookie: admin.cookie }, reconnection: false });
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    const replies = [];
    for (let event = 0; event < EVENT_LIMIT + 1; event += 1) {
      replies.push(await socket.emitWithAck('dataset:leave', { datasetId: '00000000-0000-4000-8000-000000000000' }));
    }
    socket.disconnect();
    expect(replies.slice(0, EVENT_LIMIT).every((reply) => reply.ok)).toBe(true);
    expect(replies[EVENT_LIMIT]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('limits the emails one address can be sent', async () => {
    const request = () => new TestClient(api.url).post('/auth/password-reset', { email: 'target@example.org' });
    expect((await request()).status).toBe(202);
    expect((await request()).status).toBe(202);
    expect((await request()).status).toBe(429);
  });
});
