import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/events.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let api: ApiServer;
let admin: TestClient;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  api = await startApiServer();
  admin = await new TestClient(api.url).signIn();
});

afterAll(async () => {
  sockets.forEach((socket) => socket.disconnect());
  await api?.close();
});

function openSocket(cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(api.url, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('sign-in', () => {
  it('rejects a wrong password without saying which part was wrong', async () => {
    const client = new TestClient(api.url);
    const response = await client.post('/auth/sign-in', { email: 'admin@example.org', password: 'wrong-password' });
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('The email address or password is not correct.');
    const unknown = await client.post('/auth/sign-in', { email: 'nobody@example.org', password: 'wrong-password' });
    expect(unknown.body.detail).toBe(response.body.detail);
  });

  it('reports the session user and ends it on sign-out', async () => {
    const client = await new TestClient(api.url).signIn();
    expect((await client.get('/auth/session')).body.user.email).toBe('admin@example.org');
    expect((await client.post('/auth/sign-out', {})).status).toBe(204);
    expect((await client.get('/auth/session')).body.user).toBeNull();
  });

  it('sets an httpOnly SameSite session cookie', async () => {
    const response = await fetch(`${api.url}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.org', password: 'test-admin-password' }),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^fairport\.sid=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
  });
});

describe('accounts', () => {
  it('lets an admin create a member who then signs in', async () => {
    const created = await admin.post('/users', {
      email: 'Ada@Example.org',
      displayName: 'Ada Lovelace',
      password: 'analytical-engine',
      orcid: '0000-0002-1825-0097',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'ada@example.org', role: 'member', orcid: '0000-0002-1825-0097' });
    await new TestClient(api.url).signIn('ada@example.org', 'analytical-engine');
  });

  it('rejects an ORCID iD with a wrong check digit and a duplicate email', async () => {
    const badOrcid = await admin.post('/users', {
      email: 'b@example.org',
      displayName: 'B',
      password: 'long-enough-password',
      orcid: '0000-0002-1825-0098',
    });
    expect(badOrcid.status).toBe(400);
    expect(badOrcid.body.errors[0].field).toBe('body.orcid');

    const duplicate = await admin.post('/users', { email: 'ADA@example.org', displayName: 'A', password: 'long-enough-password' });
    expect(duplicate.status).toBe(409);
  });

  it('reports a malformed ORCID iD once', async () => {
    const response = await admin.post('/users', {
      email: 'c@example.org',
      displayName: 'C',
      password: 'long-enough-password',
      orcid: 'https://orcid.org/0000-0002-1825-0097',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'body.orcid', message: 'expected an ORCID iD such as 0000-0002-1825-0097' }]);
  });

  it('forbids members to create accounts', async () => {
    await admin.post('/users', { email: 'member@example.org', displayName: 'M', password: 'member-password' });
    const member = await new TestClient(api.url).signIn('member@example.org', 'member-password');
    const response = await member.post('/users', { email: 'x@example.org', displayName: 'X', password: 'long-enough-password' });
    expect(response.status).toBe(403);
  });

  it('lets a member read but not change another project', async () => {
    const project = await admin.post('/projects', { title: 'Admin project' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Internal', visibility: 'internal', state: 'published' });
    const member = await new TestClient(api.url).signIn('member@example.org', 'member-password');
    expect((await member.get(`/datasets/${dataset.body.id}`)).status).toBe(200);
    const edit = await member.patch(`/datasets/${dataset.body.id}`, { title: 'Mine now' });
    expect(edit.status).toBe(403);
    expect(edit.body.code).toBe('forbidden');
  });
});

describe('socket handshake', () => {
  it('joins a private dataset room only with a session that may read it', async () => {
    const project = await admin.post('/projects', { title: 'Sockets' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Private', visibility: 'private' });

    const anonymousSocket = await openSocket('');
    const refused = await anonymousSocket.emitWithAck('dataset:join', { datasetId: dataset.body.id });
    expect(refused).toEqual({ ok: false, error: { code: 'not_found', message: `Dataset ${dataset.body.id} was not found.` } });

    const adminSocket = await openSocket(admin.cookie);
    const joined = await adminSocket.emitWithAck('dataset:join', { datasetId: dataset.body.id });
    expect(joined).toEqual({ ok: true, seq: 0, canEdit: true, undoDepth: 0, redoDepth: 0 });
  });

  it('answers a malformed join with a typed error', async () => {
    const socket = await openSocket(admin.cookie);
    const reply = await socket.emitWithAck('dataset:join', { datasetId: 'room:everything' } as never);
    expect(reply).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('broadcasts a committed change to the dataset room', async () => {
    const project = await admin.post('/projects', { title: 'Broadcast' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Live', visibility: 'public', state: 'published' });
    const viewer = await openSocket('');
    await viewer.emitWithAck('dataset:join', { datasetId: dataset.body.id });

    const received = new Promise((resolve) => viewer.once('dataset:change', resolve));
    await admin.post(`/datasets/${dataset.body.id}/fields`, { label: 'Depth', type: 'number', unit: 'm' });
    const change = (await received) as { seq: number; ops: { type: string; field: { key: string } }[] };
    expect(change.seq).toBe(1);
    expect(change.ops[0]!.type).toBe('field.insert');
    expect(change.ops[0]!.field.key).toBe('depth');
  });
});
