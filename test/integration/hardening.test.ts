import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/events.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let api: ApiServer;
let admin: TestClient;
let privateDatasetId: string;
let publicDatasetId: string;
const sockets: ClientSocket[] = [];

function openSocket(options: { cookie?: string; origin?: string } = {}): Promise<ClientSocket> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const socket: ClientSocket = connect(api.url, { transports: ['websocket'], extraHeaders: headers, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

beforeAll(async () => {
  api = await startApiServer({ JSON_BODY_MAX_BYTES: '4096', UPLOAD_MAX_BYTES: '2048' });
  admin = await new TestClient(api.url).signIn();
  const project = await admin.post('/projects', { title: 'Hardening' });
  privateDatasetId = (await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Private', visibility: 'private', state: 'published' })).body.id;
  publicDatasetId = (await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Public', visibility: 'public', state: 'published' })).body.id;
});

afterAll(async () => {
  sockets.forEach((socket) => socket.disconnect());
  await api?.close();
});

describe('cross-site request forgery', () => {
  it('rejects cookie writes from another origin', async () => {
    const fromElsewhere = await admin.send('POST', '/projects', { title: 'Forged' }, { origin: 'https://attacker.example' });
    expect(fromElsewhere.status).toBe(403);
    expect(fromElsewhere.body.detail).toContain('Cross-site request rejected');

    const sameSite = await admin.send('POST', '/projects', { title: 'Forged' }, { 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);
    const crossSite = await admin.send('PATCH', `/datasets/${publicDatasetId}`, { visibility: 'private' }, { 'sec-fetch-site': 'cross-site', origin: api.url });
    expect(crossSite.status).toBe(403);
    expect((await admin.get(`/datasets/${publicDatasetId}`)).body.visibility).toBe('public');
  });

  it('rejects a sign-in posted from another origin', async () => {
    const response = await new TestClient(api.url).send('POST', '/auth/sign-in', { email: 'admin@example.org', password: 'test-admin-password' }, { origin: 'https://attacker.example' });
    expect(response.status).toBe(403);
  });

  it('accepts writes from the portal’s own origin', async () => {
    expect((await admin.send('POST', '/projects', { title: 'Same origin' }, { origin: api.url, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await admin.send('POST', '/projects', { title: 'No browser' })).status).toBe(201);
  });

  it('refuses a socket handshake from another origin', async () => {
    await expect(openSocket({ cookie: admin.cookie, origin: 'https://attacker.example' })).rejects.toThrow();
    const own = await openSocket({ cookie: admin.cookie, origin: api.url });
    expect(own.connected).toBe(true);
  });
});

describe('size limits', () => {
  it('answers 413 to a JSON body over the limit', async () => {
    const response = await admin.post('/projects', { title: 'Big', description: 'x'.repeat(5000) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('payload_too_large');
  });

  it('answers 413 to an upload over the limit', async () => {
    const form = new FormData();
    form.set('file', new Blob(['a,b\n' + '1,2\n'.repeat(2000)], { type: 'text/csv' }), 'big.csv');
    const response = await fetch(`${api.url}/api/v1/datasets/${publicDatasetId}/imports`, { method: 'POST', headers: { cookie: admin.cookie }, body: form });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('payload_too_large');
  });
});

describe('security headers', () => {
  it('sends a content security policy and the usual headers', async () => {
    const response = await fetch(`${api.url}/api/v1/health`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("script-src-attr 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("form-action 'self'");
    expect(policy).toContain("base-uri 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('hostile filters', () => {
  const injections = ["' OR 1=1 --", "1; DROP TABLE datasets; --", "00000000-0000-0000-0000-000000000000' OR '1'='1", '$1) OR (1=1'];

  it('rejects SQL in every filter', async () => {
    for (const injection of injections) {
      const value = encodeURIComponent(injection);
      const attempts = [
        `/datasets?projectId=${value}`,
        `/datasets/${publicDatasetId}/samples?bbox=${value}`,
        `/datasets/${publicDatasetId}/samples?cursor=${value}`,
        `/datasets/${publicDatasetId}/changes?after=${value}`,
        `/projects?cursor=${value}`,
        `/admin/audit-log?targetId=${value}`,
        `/admin/audit-log?action=${value}`,
        `/admin/audit-log?actorId=${value}`,
        `/users?cursor=${value}`,
      ];
      for (const attempt of attempts) {
        const response = await admin.get(attempt);
        expect(response.status, attempt).toBe(400);
        expect(response.body.code, attempt).toBe('validation_failed');
      }
      expect((await admin.get(`/datasets/${value}`)).status).toBe(400);
    }
    expect((await admin.get('/datasets?limit=1000')).body.items.length).toBe(2);
  });
});

describe('forged room names', () => {
  it('gets a socket into no room it names itself', async () => {
    const outsider = await openSocket();
    const control = await openSocket({ cookie: admin.cookie });
    await control.emitWithAck('dataset:join', { datasetId: privateDatasetId });
    const leaked: unknown[] = [];
    outsider.onAny((event, payload) => leaked.push([event, payload]));

    const attempts: [string, unknown][] = [
      ['dataset:join', { datasetId: `dataset:${privateDatasetId}` }],
      ['dataset:join', { datasetId: privateDatasetId, room: `dataset:${privateDatasetId}` }],
      ['dataset:join', `dataset:${privateDatasetId}`],
      ['join', `dataset:${privateDatasetId}`],
      ['subscribe', { room: `user:${privateDatasetId}` }],
      ['__proto__', {}],
      ['constructor', {}],
    ];
    const replies = [];
    for (const [event, payload] of attempts) replies.push(await (outsider as unknown as Socket).timeout(5000).emitWithAck(event, payload));
    expect(replies.map((reply: { ok: boolean }) => reply.ok)).toEqual(attempts.map(() => false));
    expect(replies[1]).toMatchObject({ error: { code: 'not_found' } });
    expect(replies[3]).toMatchObject({ error: { code: 'not_found', message: 'The server handles no event named "join".' } });

    const controlSaw = new Promise((resolve) => control.once('dataset:change', resolve));
    await admin.post(`/datasets/${privateDatasetId}/fields`, { label: 'Secret column', type: 'text' });
    await controlSaw;
    expect(leaked).toEqual([]);
  });
});

describe('audit log', () => {
  it('records sign-ins, visibility and role changes for admins only', async () => {
    const member = await admin.post('/users', { email: 'audited@example.org', displayName: 'Audited', password: 'audited-password' });
    await new TestClient(api.url).send('POST', '/auth/sign-in', { email: 'audited@example.org', password: 'wrong-password' });
    const memberClient = await new TestClient(api.url).signIn('audited@example.org', 'audited-password');
    await admin.patch(`/users/${member.body.id}`, { role: 'curator' });
    await admin.patch(`/datasets/${publicDatasetId}`, { visibility: 'internal' });

    const log = await admin.get('/admin/audit-log?limit=50');
    const actions = log.body.items.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.sign-in', 'auth.sign-in-failed', 'user.create', 'user.update', 'dataset.access-change']));

    const visibility = await admin.get(`/admin/audit-log?action=dataset.access-change&targetId=${publicDatasetId}`);
    expect(visibility.body.items).toHaveLength(1);
    expect(visibility.body.items[0].details).toEqual({
      before: { visibility: 'public', state: 'published', embargoUntil: null },
      after: { visibility: 'internal', state: 'published', embargoUntil: null },
    });
    expect(visibility.body.items[0].actor).toBe('admin@example.org');

    const roleChange = await admin.get(`/admin/audit-log?action=user.update&targetId=${member.body.id}`);
    expect(roleChange.body.items[0].details).toMatchObject({ roleBefore: 'member', roleAfter: 'curator' });
    expect(JSON.stringify(log.body)).not.toContain('audited-password');

    expect((await memberClient.get('/admin/audit-log')).status).toBe(403);
    expect((await new TestClient(api.url).get('/admin/audit-log')).status).toBe(401);
  });

  it('pages newest first', async () => {
    const first = await admin.get('/admin/audit-log?limit=2');
    const second = await admin.get(`/admin/audit-log?limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((entry: { id: number }) => entry.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
  });
});
