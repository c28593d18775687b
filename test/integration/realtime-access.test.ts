import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, DatasetChange, ServerToClientEvents } from '../../common/events.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

/*
 * Two server processes on one Redis: every check that access ended is made on a socket
 * connected to the other node than the one that ended it.
 */

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let stack: Stack;
let nodeA: string;
let nodeB: string;
let adminCookie: string;
const sockets: ClientSocket[] = [];

async function call(baseUrl: string, cookie: string, method: string, apiPath: string, body?: unknown) {
  const response = await fetch(`${baseUrl}/api/v1${apiPath}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

function openSocket(baseUrl: string, options: { cookie?: string; token?: string } = {}): Promise<ClientSocket> {
  const socket: ClientSocket = connect(baseUrl, {
    transports: ['websocket'],
    extraHeaders: options.cookie ? { cookie: options.cookie } : {},
    ...(options.token ? { auth: { token: options.token } } : {}),
    reconnection: false,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Collects the changes a socket receives for one dataset. */
function recordChanges(socket: ClientSocket): DatasetChange[] {
  const received: DatasetChange[] = [];
  socket.on('dataset:change', (change) => received.push(change));
  return received;
}

function nextEvent<T>(socket: ClientSocket, event: 'dataset:change' | 'dataset:access-revoked' | 'disconnect'): Promise<T> {
  return new Promise((resolve) => socket.once(event as 'disconnect', (payload: unknown) => resolve(payload as T)));
}

async function createUser(email: string): Promise<string> {
  const created = await call(nodeA, adminCookie, 'POST', '/users', { email, displayName: email.split('@')[0], password: 'member-password-1' });
  expect(created.status).toBe(201);
  return created.body.id;
}

async function createDataset(title: string, access: Record<string, unknown>) {
  const project = await call(nodeA, adminCookie, 'POST', '/projects', { title });
  const dataset = await call(nodeA, adminCookie, 'POST', `/projects/${project.body.id}/datasets`, { title, ...access });
  expect(dataset.status).toBe(201);
  return { projectId: project.body.id as string, datasetId: dataset.body.id as string };
}

async function addField(datasetId: string, label: string): Promise<void> {
  const created = await call(nodeA, adminCookie, 'POST', `/datasets/${datasetId}/fields`, { label, type: 'text' });
  expect(created.status).toBe(201);
}

beforeAll(async () => {
  stack = await startStack({ servers: 2, workers: 0, env: { SIGN_IN_RATE_LIMIT: '3' } });
  [nodeA, nodeB] = stack.urls as [string, string];
  adminCookie = await stack.signIn(ADMIN, nodeA);
}, 120_000);

afterAll(async () => {
  sockets.forEach((socket) => socket.disconnect());
  await stack?.stop();
});

describe('access ending across nodes', () => {
  it('stops a removed member receiving changes on the other node', async () => {
    const memberId = await createUser('removed@example.org');
    const { projectId, datasetId } = await createDataset('Removal', { visibility: 'private', state: 'published' });
    const invited = await call(nodeA, adminCookie, 'POST', `/projects/${projectId}/invitations`, { email: 'removed@example.org', role: 'editor' });
    expect(invited.status).toBe(201);

    const memberCookie = await stack.signIn({ email: 'removed@example.org', password: 'member-password-1' }, nodeB);
    const memberSocket = await openSocket(nodeB, { cookie: memberCookie });
    const controlSocket = await openSocket(nodeB, { cookie: adminCookie });
    expect(await memberSocket.emitWithAck('dataset:join', { datasetId })).toMatchObject({ ok: true });
    expect(await controlSocket.emitWithAck('dataset:join', { datasetId })).toMatchObject({ ok: true });
    const memberChanges = recordChanges(memberSocket);

    const first = nextEvent<DatasetChange>(memberSocket, 'dataset:change');
    await addField(datasetId, 'Before removal');
    expect((await first).seq).toBe(1);

    const revoked = nextEvent<{ datasetId: string }>(memberSocket, 'dataset:access-revoked');
    const removal = await call(nodeA, adminCookie, 'DELETE', `/projects/${projectId}/members/${memberId}`);
    expect(removal.status).toBe(204);
    expect(await revoked).toEqual({ datasetId });

    // The control socket on the same node gets the next change; broadcasts reach a node in
    // order, so had the member still been in the room, it would have got it too.
    const controlSaw = nextEvent<DatasetChange>(controlSocket, 'dataset:change');
    await addField(datasetId, 'After removal');
    expect((await controlSaw).seq).toBe(2);
    expect(memberChanges.map((change) => change.seq)).toEqual([1]);

    expect(await memberSocket.emitWithAck('dataset:join', { datasetId })).toEqual({
      ok: false,
      error: { code: 'not_found', message: `Dataset ${datasetId} was not found.` },
    });
  });

  it('removes outsiders when a dataset turns private', async () => {
    await createUser('outsider@example.org');
    const { datasetId } = await createDataset('Narrowing', { visibility: 'internal', state: 'published' });
    const outsiderCookie = await stack.signIn({ email: 'outsider@example.org', password: 'member-password-1' }, nodeB);
    const outsider = await openSocket(nodeB, { cookie: outsiderCookie });
    const anonymous = await openSocket(nodeB);
    const control = await openSocket(nodeB, { cookie: adminCookie });
    expect(await outsider.emitWithAck('dataset:join', { datasetId })).toMatchObject({ ok: true });
    expect(await anonymous.emitWithAck('dataset:join', { datasetId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await control.emitWithAck('dataset:join', { datasetId });
    const outsiderChanges = recordChanges(outsider);

    const revoked = nextEvent(outsider, 'dataset:access-revoked');
    const narrowed = await call(nodeA, adminCookie, 'PATCH', `/datasets/${datasetId}`, { visibility: 'private' });
    expect(narrowed.status).toBe(200);
    await revoked;

    const controlSaw = nextEvent<DatasetChange>(control, 'dataset:change');
    await addField(datasetId, 'Secret');
    expect((await controlSaw).seq).toBe(1);
    expect(outsiderChanges).toEqual([]);
  });

  it('removes anonymous viewers when an embargo starts', async () => {
    const { datasetId } = await createDataset('Embargo', { visibility: 'public', state: 'published' });
    const anonymous = await openSocket(nodeB);
    const control = await openSocket(nodeB, { cookie: adminCookie });
    expect(await anonymous.emitWithAck('dataset:join', { datasetId })).toMatchObject({ ok: true });
    await control.emitWithAck('dataset:join', { datasetId });
    const anonymousChanges = recordChanges(anonymous);

    const revoked = nextEvent(anonymous, 'dataset:access-revoked');
    const embargoUntil = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect((await call(nodeA, adminCookie, 'PATCH', `/datasets/${datasetId}`, { embargoUntil })).status).toBe(200);
    await revoked;

    const controlSaw = nextEvent<DatasetChange>(control, 'dataset:change');
    await addField(datasetId, 'Embargoed values');
    await controlSaw;
    expect(anonymousChanges).toEqual([]);
    expect(await anonymous.emitWithAck('dataset:join', { datasetId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('closes sockets on the other node after sign-out everywhere', async () => {
    await createUser('everywhere@example.org');
    const credentials = { email: 'everywhere@example.org', password: 'member-password-1' };
    const onB = await openSocket(nodeB, { cookie: await stack.signIn(credentials, nodeB) });
    const cookieA = await stack.signIn(credentials, nodeA);

    const closed = nextEvent<string>(onB, 'disconnect');
    expect((await call(nodeA, cookieA, 'POST', '/account/sign-out-everywhere')).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect((await call(nodeB, cookieA, 'GET', '/auth/session')).body.user).toBeNull();
  });

  it('closes token sockets on the other node when the token is revoked', async () => {
    const created = await call(nodeA, adminCookie, 'POST', '/account/tokens', { name: 'socket', scope: 'read' });
    const tokenSocket = await openSocket(nodeB, { token: created.body.token });
    const closed = nextEvent<string>(tokenSocket, 'disconnect');
    expect((await call(nodeA, adminCookie, 'DELETE', `/account/tokens/${created.body.id}`)).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    await expect(openSocket(nodeB, { token: created.body.token })).rejects.toThrow(/invalid, expired or revoked/);
  });

  it('counts sign-in attempts on both nodes against one limit', async () => {
    const attempt = (baseUrl: string) => call(baseUrl, '', 'POST', '/auth/sign-in', { email: 'limited@example.org', password: 'wrong-password' });
    expect((await attempt(nodeA)).status).toBe(401);
    expect((await attempt(nodeB)).status).toBe(401);
    expect((await attempt(nodeA)).status).toBe(401);

    const limited = await attempt(nodeB);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
