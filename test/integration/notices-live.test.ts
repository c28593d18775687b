import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveNotice } from '../../common/api/notices.js';
import { NOTICE_QUEUE, noticeJobId } from '../../server/jobs/notice-queue.js';
import { createRedis, redisKeys } from '../../server/redis/connections.js';
import { TestClient } from '../helpers/api-server.js';
import { NoticeClient as LiveClient } from '../helpers/notice-client.js';
import { startStack, type Stack } from '../helpers/stack.js';

// Two server nodes and one worker on one database and Redis prefix. Admins and Bob use node 1,
// Alice and Carol node 2, so every broadcast has to cross nodes through the Redis adapter.
let stack: Stack;
let nodeOne: string;
let nodeTwo: string;
let admin: TestClient;
let adminOnTwo: TestClient;
const users: Record<'alice' | 'bob' | 'carol', { id: string; email: string; client: TestClient }> = {} as never;
let projectId: string;
let datasetId: string;
const open: LiveClient[] = [];
const redis = createRedis({ REDIS_URL: 'redis://127.0.0.1:6379' }, 'commands');

const PASSWORD = 'notice-test-password';

beforeAll(async () => {
  stack = await startStack({ servers: 2, workers: 1 });
  [nodeOne, nodeTwo] = stack.urls as [string, string];
  admin = await new TestClient(nodeOne).signIn();
  adminOnTwo = await new TestClient(nodeTwo).signIn();

  const accounts = [
    ['alice', 'member', nodeTwo],
    ['bob', 'member', nodeOne],
    ['carol', 'curator', nodeTwo],
  ] as const;
  for (const [name, role, node] of accounts) {
    const email = `${name}@example.org`;
    const created = await admin.post('/users', { email, displayName: name[0]!.toUpperCase() + name.slice(1), password: PASSWORD, role });
    expect(created.status).toBe(201);
    users[name] = { id: created.body.id, email, client: await new TestClient(node).signIn(email, PASSWORD) };
  }

  const project = await admin.post('/projects', { title: 'Lake cores' });
  projectId = project.body.id;
  const dataset = await admin.post(`/projects/${projectId}/datasets`, { title: 'Core depths', visibility: 'public' });
  datasetId = dataset.body.id;
  expect((await admin.send('PUT', `/projects/${projectId}/members/${users.alice.id}`, { role: 'viewer' })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  open.forEach((client) => client.close());
  await redis.quit();
  await stack?.stop();
});

async function live(url: string, cookie = ''): Promise<LiveClient> {
  const client = await LiveClient.open(url, cookie);
  open.push(client);
  return client;
}

async function createNotice(body: Record<string, unknown>, by: TestClient = admin) {
  const response = await by.post('/notices', { level: 'info', title: 'Notice', bodyMarkdown: 'Text', ...body });
  expect(response.status).toBe(201);
  return response.body as { id: string; version: number; status: string; bodyHtml: string };
}

const upsertOf = (id: string, version?: number) => (notice: LiveNotice) => notice.id === id && (version === undefined || notice.version === version);

describe('notices across two server nodes', () => {
  it('reach open clients on both nodes and clients that connect later', async () => {
    const alice = await live(nodeTwo, users.alice.client.cookie);
    const bob = await live(nodeOne, users.bob.client.cookie);
    const visitor = await live(nodeOne);

    const notice = await createNotice({ level: 'warning', title: 'Storage upgrade tonight', bodyMarkdown: 'Uploads **pause** at 22:00.' });
    expect(notice.status).toBe('active');

    for (const client of [alice, bob, visitor]) {
      const received = await client.waitFor('notice:upsert', upsertOf(notice.id));
      expect(received.title).toBe('Storage upgrade tonight');
      expect(received.level).toBe('warning');
      expect(received.html).toBe('<p>Uploads <strong>pause</strong> at 22:00.</p>');
    }

    const carol = await live(nodeTwo, users.carol.client.cookie);
    expect(carol.snapshot.notices.map((active) => active.id)).toContain(notice.id);
    const lateVisitor = await live(nodeTwo);
    expect(lateVisitor.snapshot.notices.map((active) => active.id)).toContain(notice.id);
  });

  it('send a project notice only to its members', async () => {
    const alice = await live(nodeTwo, users.alice.client.cookie);
    const bob = await live(nodeOne, users.bob.client.cookie);
    const carol = await live(nodeTwo, users.carol.client.cookie);
    const visitor = await live(nodeOne);
    // The admin created the project, so the admin is its owner and a member.
    const owner = await live(nodeOne, admin.cookie);

    const notice = await createNotice({ title: 'Core scanner booked', audience: { type: 'project', projectId } });
    await alice.waitFor('notice:upsert', upsertOf(notice.id));
    await owner.waitFor('notice:upsert', upsertOf(notice.id));

    // A notice for everyone sent afterwards from the same node arrives after the project notice
    // would have, so once it is there the others have received everything they were going to.
    const sentinel = await createNotice({ title: 'Sentinel for the project notice' });
    for (const outsider of [bob, carol, visitor]) {
      await outsider.waitFor('notice:upsert', upsertOf(sentinel.id));
      expect(outsider.all('notice:upsert').map((received) => received.id)).not.toContain(notice.id);
    }

    const aliceLater = await live(nodeOne, users.alice.client.cookie);
    expect(aliceLater.snapshot.notices.map((active) => active.id)).toContain(notice.id);
    const bobLater = await live(nodeTwo, users.bob.client.cookie);
    expect(bobLater.snapshot.notices.map((active) => active.id)).not.toContain(notice.id);
    const activeForBob = await users.bob.client.get('/notices/active');
    expect(activeForBob.body.notices.map((active: LiveNotice) => active.id)).not.toContain(notice.id);
    const activeForVisitor = await new TestClient(nodeOne).get('/notices/active');
    expect(activeForVisitor.body.notices.map((active: LiveNotice) => active.id)).not.toContain(notice.id);
  });

  it('send a role notice only to that role', async () => {
    const alice = await live(nodeTwo, users.alice.client.cookie);
    const carol = await live(nodeTwo, users.carol.client.cookie);
    const visitor = await live(nodeOne);

    const notice = await createNotice({ title: 'Curators: review queue', audience: { type: 'role', role: 'curator' } });
    await carol.waitFor('notice:upsert', upsertOf(notice.id));
    const sentinel = await createNotice({ title: 'Sentinel for the role notice' });
    for (const outsider of [alice, visitor]) {
      await outsider.waitFor('notice:upsert', upsertOf(sentinel.id));
      expect(outsider.all('notice:upsert').map((received) => received.id)).not.toContain(notice.id);
    }
  });

  it('report the reach of each audience in the preview', async () => {
    const everyone = await admin.post('/notices/preview', { bodyMarkdown: 'x', audience: { type: 'everyone' } });
    expect(everyone.body.reach).toEqual({ users: 4, includesVisitors: true });
    const curators = await admin.post('/notices/preview', { bodyMarkdown: 'x', audience: { type: 'role', role: 'curator' } });
    expect(curators.body.reach).toEqual({ users: 1, includesVisitors: false });
    const project = await admin.post('/notices/preview', { bodyMarkdown: 'x', audience: { type: 'project', projectId } });
    expect(project.body.reach.users).toBe(2);
    expect((await users.alice.client.post('/notices/preview', { bodyMarkdown: 'x', audience: { type: 'everyone' } })).status).toBe(403);
  });

  it('update and remove a notice live when it is edited and withdrawn', async () => {
    const alice = await live(nodeTwo, users.alice.client.cookie);
    const bob = await live(nodeOne, users.bob.client.cookie);
    const notice = await createNotice({ title: 'Map tiles slow' });
    await alice.waitFor('notice:upsert', upsertOf(notice.id));

    const edited = await adminOnTwo.patch(`/notices/${notice.id}`, { title: 'Map tiles fixed', level: 'info' });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);
    for (const client of [alice, bob]) {
      const received = await client.waitFor('notice:upsert', upsertOf(notice.id, 2));
      expect(received.title).toBe('Map tiles fixed');
    }

    const withdrawn = await admin.post(`/notices/${notice.id}/withdraw`, {});
    expect(withdrawn.body.status).toBe('withdrawn');
    for (const client of [alice, bob]) {
      const removal = await client.waitFor('notice:remove', (removed) => removed.id === notice.id);
      expect(removal.version).toBe(3);
    }
    expect((await live(nodeOne)).snapshot.notices.map((active) => active.id)).not.toContain(notice.id);
    expect((await admin.patch(`/notices/${notice.id}`, { title: 'Again' })).status).toBe(409);
  });

  it('move a notice between audiences without hiding it from those in both', async () => {
    const bob = await live(nodeOne, users.bob.client.cookie);
    const carol = await live(nodeTwo, users.carol.client.cookie);
    const notice = await createNotice({ title: 'Audience moves' });
    await bob.waitFor('notice:upsert', upsertOf(notice.id));
    await carol.waitFor('notice:upsert', upsertOf(notice.id));

    await admin.patch(`/notices/${notice.id}`, { audience: { type: 'role', role: 'curator' } });
    await bob.waitFor('notice:remove', (removed) => removed.id === notice.id);
    await carol.waitFor('notice:upsert', upsertOf(notice.id, 2));
    expect(carol.all('notice:remove').map((removed) => removed.id)).not.toContain(notice.id);
    await admin.post(`/notices/${notice.id}/withdraw`, {});
  });

  it('keep a dismissal on every device of the user', async () => {
    const phone = await live(nodeOne, users.alice.client.cookie);
    const laptop = await live(nodeTwo, users.alice.client.cookie);
    const notice = await createNotice({ title: 'Dismiss me' });
    await phone.waitFor('notice:upsert', upsertOf(notice.id));

    expect((await users.alice.client.post(`/notices/${notice.id}/dismiss`, {})).status).toBe(204);
    expect(await phone.waitFor('notice:dismissed', (dismissal) => dismissal.id === notice.id)).toEqual({ id: notice.id });
    expect(await laptop.waitFor('notice:dismissed', (dismissal) => dismissal.id === notice.id)).toEqual({ id: notice.id });

    const tablet = await live(nodeOne, users.alice.client.cookie);
    expect(tablet.snapshot.dismissedIds).toContain(notice.id);
    const bob = await live(nodeOne, users.bob.client.cookie);
    expect(bob.snapshot.dismissedIds).not.toContain(notice.id);

    const fixed = await createNotice({ title: 'Cannot dismiss', dismissible: false });
    expect((await users.alice.client.post(`/notices/${fixed.id}/dismiss`, {})).status).toBe(409);
    const projectNotice = await createNotice({ title: 'Members only', audience: { type: 'project', projectId } });
    expect((await users.bob.client.post(`/notices/${projectNotice.id}/dismiss`, {})).status).toBe(404);
  });

  it('let project notices follow a membership change live', async () => {
    const bob = await live(nodeOne, users.bob.client.cookie);
    expect((await admin.send('PUT', `/projects/${projectId}/members/${users.bob.id}`, { role: 'editor' })).status).toBe(200);
    const added = await bob.waitFor('notification:new', (event) => event.notification.kind === 'membership.added');
    expect(added.notification.title).toBe('You were added to "Lake cores"');

    const joined = await createNotice({ title: 'For members after Bob joined', audience: { type: 'project', projectId } });
    await bob.waitFor('notice:upsert', upsertOf(joined.id));

    expect((await admin.send('DELETE', `/projects/${projectId}/members/${users.bob.id}`)).status).toBe(204);
    await bob.waitFor('notification:new', (event) => event.notification.kind === 'membership.removed');
    const left = await createNotice({ title: 'For members after Bob left', audience: { type: 'project', projectId } });
    const sentinel = await createNotice({ title: 'Sentinel for the membership change' });
    await bob.waitFor('notice:upsert', upsertOf(sentinel.id));
    expect(bob.all('notice:upsert').map((received) => received.id)).not.toContain(left.id);
  });

  it('render a hostile body inert in storage and on the wire', async () => {
    const alice = await live(nodeTwo, users.alice.client.cookie);
    const body = [
      '<script>window.hacked = 1</script>',
      '<img src=x onerror="window.hacked = 2">',
      '[click](javascript:window.hacked=3)',
      '<a href="javascript:window.hacked=4">raw link</a>',
      '[ok](https://example.org/status)',
    ].join('\n\n');
    const notice = await createNotice({ title: 'Hostile', bodyMarkdown: body });
    const received = await alice.waitFor('notice:upsert', upsertOf(notice.id));

    for (const html of [notice.bodyHtml, received.html]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      // Escaped text may read "onerror=", but no element may carry an event handler attribute.
      expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i);
      expect(html).not.toMatch(/<a[^>]*href="\s*javascript:/i);
      expect(html).toContain('<a href="https://example.org/status" target="_blank" rel="noopener noreferrer nofollow">ok</a>');
      expect(html).toContain('&lt;script&gt;');
    }
    await admin.post(`/notices/${notice.id}/withdraw`, {});
  });
});

describe('notice API description', () => {
  it('documents the notice routes and the 503 of guarded writes', async () => {
    const document = (await new TestClient(nodeOne).get('/openapi.json')).body;
    const operations = Object.values(document.paths).flatMap((item: any) => Object.values(item).map((op: any) => op.operationId));
    for (const id of ['createNotice', 'updateNotice', 'withdrawNotice', 'previewNotice', 'dismissNotice', 'listActiveNotices', 'listNotifications', 'publishDataset', 'putMember', 'followProject']) {
      expect(operations).toContain(id);
    }
    expect(document.paths['/projects'].post.responses['503']).toBeDefined();
    expect(document.paths['/notices'].post.responses['503']).toBeUndefined();
    expect(document.paths['/auth/sign-in'].post.responses['503']).toBeUndefined();
  });
});

describe('scheduled notices', () => {
  it('start and end through delayed jobs on time', async () => {
    const bob = await live(nodeOne, users.bob.client.cookie);
    const alice = await live(nodeTwo, users.alice.client.cookie);
    const startsAt = new Date(Date.now() + 2000);
    const endsAt = new Date(startsAt.getTime() + 1500);
    const notice = await createNotice({ title: 'Scheduled', startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() });
    expect(notice.status).toBe('scheduled');

    const queue = new Queue(NOTICE_QUEUE, { connection: redis, prefix: redisKeys(stack.env.REDIS_PREFIX!).bullmq });
    try {
      expect(await (await queue.getJob(noticeJobId(notice.id, 'start', startsAt)))?.getState()).toBe('delayed');
      expect(await (await queue.getJob(noticeJobId(notice.id, 'end', endsAt)))?.getState()).toBe('delayed');
    } finally {
      await queue.close();
    }

    for (const client of [bob, alice]) {
      await client.waitFor('notice:upsert', upsertOf(notice.id));
      const upserted = client.received.find((entry) => entry.event === 'notice:upsert' && (entry.payload as LiveNotice).id === notice.id)!;
      // The job must not show a notice before its start time (same clock: one machine).
      expect(upserted.receivedAt).toBeGreaterThanOrEqual(startsAt.getTime());
      await client.waitFor('notice:remove', (removed) => removed.id === notice.id);
      const hidden = client.received.find((entry) => entry.event === 'notice:remove' && (entry.payload as { id: string }).id === notice.id)!;
      expect(hidden.receivedAt).toBeGreaterThanOrEqual(endsAt.getTime());
    }
    expect((await admin.get(`/notices/${notice.id}`)).body.status).toBe('expired');
  });

  it('leave a job alone whose time an edit moved', async () => {
    const bob = await live(nodeOne, users.bob.client.cookie);
    const startsAt = new Date(Date.now() + 1500);
    const notice = await createNotice({ title: 'Moved later', startsAt: startsAt.toISOString() });
    const later = new Date(Date.now() + 3_600_000);
    expect((await admin.patch(`/notices/${notice.id}`, { startsAt: later.toISOString() })).status).toBe(200);

    // The sentinel starts after the original time, so by its arrival the old job would have run.
    const sentinel = await createNotice({ title: 'Sentinel after the old start', startsAt: new Date(startsAt.getTime() + 1000).toISOString() });
    await bob.waitFor('notice:upsert', upsertOf(sentinel.id));
    expect(bob.all('notice:upsert').map((received) => received.id)).not.toContain(notice.id);
    await admin.post(`/notices/${notice.id}/withdraw`, {});
  });
});

describe('maintenance read-only mode', () => {
  it('rejects REST and socket writes while reads and live updates go on', async () => {
    const alice = await live(nodeTwo, users.alice.client.cookie);
    // A write on node two first, so that node caches the (empty) list of read-only notices. The
    // notice made on node one must still switch node two at once.
    expect((await adminOnTwo.patch(`/datasets/${datasetId}`, { abstract: 'Before the maintenance' })).status).toBe(200);
    const endsAt = new Date(Date.now() + 10 * 60_000);
    const maintenance = await createNotice({
      level: 'maintenance',
      title: 'Database upgrade',
      endsAt: endsAt.toISOString(),
      dismissible: false,
      readOnly: true,
    });
    const announced = await alice.waitFor('notice:upsert', upsertOf(maintenance.id));
    expect(announced.readOnly).toBe(true);
    expect(announced.readOnlyFrom).toBe(announced.startsAt);

    for (const client of [users.alice.client, admin]) {
      const rejected = await client.post('/projects', { title: 'During maintenance' });
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('content-type')).toContain('application/problem+json');
      expect(rejected.body.code).toBe('unavailable');
      expect(rejected.body.detail).toContain('read-only for maintenance');
      expect(rejected.body.detail).toContain('Database upgrade');
      const retryAfter = Number(rejected.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(500);
      expect(retryAfter).toBeLessThanOrEqual(600);
    }
    expect((await admin.patch(`/datasets/${datasetId}`, { title: 'Renamed' })).status).toBe(503);

    expect((await users.alice.client.get('/projects')).status).toBe(200);
    expect((await users.alice.client.get(`/datasets/${datasetId}`)).status).toBe(200);
    const join = await alice.socket.timeout(5000).emitWithAck('dataset:join', { datasetId });
    expect(join.ok).toBe(true);

    // Any event outside the read-only-safe list is rejected before a handler could run.
    const write = await (alice.socket.timeout(5000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> }).emitWithAck('dataset:edit', { datasetId, ops: [] });
    expect(write).toEqual({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('read-only for maintenance') } });

    const live_notice = await createNotice({ title: 'Notices still go out during maintenance' });
    await alice.waitFor('notice:upsert', upsertOf(live_notice.id));

    expect((await admin.post(`/notices/${maintenance.id}/withdraw`, {})).status).toBe(200);
    await alice.waitFor('notice:remove', (removed) => removed.id === maintenance.id);
    expect((await users.alice.client.post('/projects', { title: 'After maintenance' })).status).toBe(201);
  });

  it('stays writable before the read-only window starts', async () => {
    const startsAt = new Date(Date.now() - 1000);
    const readOnlyFrom = new Date(Date.now() + 3_600_000);
    const announced = await createNotice({
      level: 'maintenance',
      title: 'Upgrade in an hour',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(readOnlyFrom.getTime() + 3_600_000).toISOString(),
      dismissible: false,
      readOnly: true,
      readOnlyFrom: readOnlyFrom.toISOString(),
    });
    expect((await users.alice.client.post('/projects', { title: 'Before the window' })).status).toBe(201);
    await admin.post(`/notices/${announced.id}/withdraw`, {});
  });

  it('rejects a read-only switch on other levels and a dismissible read-only notice', async () => {
    const wrongLevel = await admin.post('/notices', { level: 'warning', title: 'x', readOnly: true, dismissible: false });
    expect(wrongLevel.status).toBe(400);
    expect(wrongLevel.body.errors).toEqual([{ field: 'body.readOnly', message: expect.stringContaining('only a maintenance notice') }]);
    const dismissible = await admin.post('/notices', { level: 'maintenance', title: 'x', readOnly: true });
    expect(dismissible.status).toBe(400);
    expect(dismissible.body.errors[0].field).toBe('body.dismissible');
  });
});
