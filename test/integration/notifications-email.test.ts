import { Queue } from 'bullmq';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES, type EmailJobData } from '../../server/jobs/queues.js';
import { createRedis, redisKeys } from '../../server/redis/connections.js';
import { TestClient } from '../helpers/api-server.js';
import { NoticeClient as LiveClient } from '../helpers/notice-client.js';
import { startMailbox, type Mailbox } from '../helpers/mailbox.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { uploadAndLoad } from '../helpers/imports.js';

const PASSWORD = 'notify-test-password';
const redis = createRedis({ REDIS_URL: 'redis://127.0.0.1:6379' }, 'commands');
let mailbox: Mailbox;
let stack: Stack;
let admin: TestClient;
let emailQueue: Queue<EmailJobData>;
const users: Record<'dana' | 'eli' | 'fay', { id: string; email: string; client: TestClient }> = {} as never;
const open: LiveClient[] = [];

beforeAll(async () => {
  mailbox = await startMailbox();

  stack = await startStack({ env: { SMTP_URL: mailbox.url, MAIL_FROM: 'Fairport <portal@example.org>' } });
  emailQueue = new Queue<EmailJobData>(QUEUES.email, { connection: redis, prefix: redisKeys(stack.env.REDIS_PREFIX!).bullmq });
  admin = await new TestClient(stack.url).signIn();
  for (const name of ['dana', 'eli', 'fay'] as const) {
    const email = `${name}@example.org`;
    const created = await admin.post('/users', { email, displayName: name[0]!.toUpperCase() + name.slice(1), password: PASSWORD });
    expect(created.status).toBe(201);
    users[name] = { id: created.body.id, email, client: await new TestClient(stack.url).signIn(email, PASSWORD) };
  }
}, 120_000);

afterAll(async () => {
  open.forEach((client) => client.close());
  await emailQueue?.close();
  await redis.quit();
  await stack?.stop();
  await mailbox?.close();
});

async function live(cookie: string): Promise<LiveClient> {
  const client = await LiveClient.open(stack.url, cookie);
  open.push(client);
  return client;
}

async function waitForEmail(to: string, subject: string, timeoutMs = 20_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = mailbox.deliveries.find((delivery) => delivery.to.includes(to) && delivery.mail.subject === subject);
    if (found) return found.mail;
    if (Date.now() > deadline) {
      throw new Error(`no email "${subject}" to ${to}; delivered: ${JSON.stringify(mailbox.deliveries.map((delivery) => [delivery.to, delivery.mail.subject]))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The email jobs queued so far for one address; notifications queue them before the request returns. */
async function queuedEmailsTo(address: string): Promise<EmailJobData[]> {
  const jobs = await emailQueue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
  return jobs.filter((job) => job?.data.to === address).map((job) => job.data);
}

/** Uploads a file and, after its analysis, starts the load as proposed, as the uploader would. */
function upload(client: TestClient, datasetId: string, name: string, content: string) {
  return uploadAndLoad(stack.url, client.cookie, datasetId, name, content);
}

describe('membership notifications', () => {
  it('tell the member live and by email', async () => {
    const dana = await live(users.dana.client.cookie);
    const project = await admin.post('/projects', { title: 'Glacier melt' });
    expect((await admin.send('PUT', `/projects/${project.body.id}/members/${users.dana.id}`, { role: 'editor' })).status).toBe(200);

    const event = await dana.waitFor('notification:new', (received) => received.notification.kind === 'membership.added');
    expect(event.notification.title).toBe('You were added to "Glacier melt"');
    expect(event.notification.link).toBe(`/projects/${project.body.id}`);
    expect(event.unreadCount).toBe(1);

    const mail = await waitForEmail(users.dana.email, 'You were added to "Glacier melt"');
    expect(mail.from?.value[0]?.address).toBe('portal@example.org');
    expect(mail.text).toContain('Portal Admin added you to the project "Glacier melt" as editor.');
    expect(mail.text).toContain(`Open it in Fairport: ${stack.url}/projects/${project.body.id}`);
    expect(mail.text).toContain(`${stack.url}/settings/notifications`);

    expect((await admin.send('PUT', `/projects/${project.body.id}/members/${users.dana.id}`, { role: 'manager' })).status).toBe(200);
    const changed = await waitForEmail(users.dana.email, 'Your role in "Glacier melt" changed');
    expect(changed.text).toContain('from editor to manager');
  });

  it('send no email to a member who turned membership email off', async () => {
    const preferences = await users.eli.client.patch('/notifications/preferences', { emailMembership: false });
    expect(preferences.body).toEqual({ emailImports: true, emailMembership: false, emailPublications: true });
    const eli = await live(users.eli.client.cookie);
    const project = await admin.post('/projects', { title: 'Quiet project' });
    await admin.send('PUT', `/projects/${project.body.id}/members/${users.eli.id}`, { role: 'viewer' });

    await eli.waitFor('notification:new', (received) => received.notification.kind === 'membership.added');
    expect((await queuedEmailsTo(users.eli.email)).map((job) => job.kind)).not.toContain('notification.membership.added');
  });

  it('refuse to remove or demote the last owner', async () => {
    const project = await admin.post('/projects', { title: 'One owner' });
    const me = (await admin.get('/auth/session')).body.user.id;
    expect((await admin.send('DELETE', `/projects/${project.body.id}/members/${me}`)).status).toBe(409);
    expect((await admin.send('PUT', `/projects/${project.body.id}/members/${me}`, { role: 'viewer' })).status).toBe(409);
    expect((await users.fay.client.send('PUT', `/projects/${project.body.id}/members/${users.fay.id}`, { role: 'owner' })).status).toBe(404);
  });
});

describe('publication notifications', () => {
  it('tell the followers who may read the dataset', async () => {
    const project = await admin.post('/projects', { title: 'Ocean cores' });
    const projectId = project.body.id;
    // Outsiders see a project once one of its datasets is published, and only then may follow it.
    await admin.post(`/projects/${projectId}/datasets`, { title: 'Overview', visibility: 'internal', state: 'published' });
    const open_ = await admin.post(`/projects/${projectId}/datasets`, { title: 'Core chemistry', visibility: 'internal' });
    const hidden = await admin.post(`/projects/${projectId}/datasets`, { title: 'Embargoed cores', visibility: 'private' });
    const fay = await live(users.fay.client.cookie);

    expect((await users.fay.client.send('PUT', `/projects/${projectId}/follow`)).body).toEqual({ following: true });
    expect((await users.fay.client.get(`/projects/${projectId}/follow`)).body).toEqual({ following: true });

    const published = await admin.post(`/datasets/${open_.body.id}/publish`, {});
    expect(published.status).toBe(200);
    expect(published.body.state).toBe('published');
    expect(published.body.seq).toBe(1);
    const changes = await admin.get(`/datasets/${open_.body.id}/changes?after=0`);
    expect(changes.body.items[0].ops).toEqual([{ type: 'dataset.publish', before: 'draft', after: 'published' }]);
    expect((await admin.post(`/datasets/${open_.body.id}/publish`, {})).status).toBe(409);

    const event = await fay.waitFor('notification:new', (received) => received.notification.kind === 'dataset.published');
    expect(event.notification.title).toBe('Published: Core chemistry');
    const mail = await waitForEmail(users.fay.email, 'Published: Core chemistry');
    expect(mail.text).toContain('published the dataset "Core chemistry" in the project "Ocean cores", which you follow.');
    expect(mail.text).toContain(`${stack.url}/datasets/${open_.body.id}`);

    // Fay may not read the private dataset, so its publication is not announced to her.
    expect((await admin.post(`/datasets/${hidden.body.id}/publish`, {})).status).toBe(200);
    const titles = (await users.fay.client.get('/notifications')).body.items.map((item: { title: string }) => item.title);
    expect(titles).not.toContain('Published: Embargoed cores');
    expect((await queuedEmailsTo(users.fay.email)).map((job) => job.subject)).not.toContain('Published: Embargoed cores');

    expect((await users.fay.client.send('DELETE', `/projects/${projectId}/follow`)).body).toEqual({ following: false });
  });

  it('refuse publishing to members without the update capability', async () => {
    const project = await admin.post('/projects', { title: 'Editors cannot publish' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Draft' });
    await admin.send('PUT', `/projects/${project.body.id}/members/${users.fay.id}`, { role: 'editor' });
    expect((await users.fay.client.post(`/datasets/${dataset.body.id}/publish`, {})).status).toBe(403);
  });
});

describe('import notifications', () => {
  it('tell the uploader when an import finishes and when one fails', async () => {
    const project = await admin.post('/projects', { title: 'Lake survey' });
    await admin.send('PUT', `/projects/${project.body.id}/members/${users.dana.id}`, { role: 'editor' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Lake temperatures' });
    const dana = await live(users.dana.client.cookie);

    const done = await upload(users.dana.client, dataset.body.id, 'lake.csv', 'name,temperature\nA,4.5\nB,5.1\nC,6.0\n');
    const finished = await dana.waitFor('notification:new', (event) => event.notification.kind === 'import.completed', 60_000);
    expect(finished.notification.title).toBe('Import finished: lake.csv');
    expect(finished.notification.body).toBe('lake.csv was loaded into "Lake temperatures": 3 samples.');
    const finishedMail = await waitForEmail(users.dana.email, 'Import finished: lake.csv');
    expect(finishedMail.text).toContain('lake.csv was loaded into "Lake temperatures": 3 samples.');
    expect(finishedMail.text).toContain(`${stack.url}/datasets/${dataset.body.id}`);
    expect(done.id).toBeTruthy();

    // A file that cannot be read at all fails in the analysis, before any review.
    await upload(users.dana.client, dataset.body.id, 'broken.csv', '');
    const failed = await dana.waitFor('notification:new', (event) => event.notification.kind === 'import.failed', 60_000);
    expect(failed.notification.title).toBe('Import failed: broken.csv');
    const failedMail = await waitForEmail(users.dana.email, 'Import failed: broken.csv');
    expect(failedMail.text).toContain('broken.csv could not be loaded into "Lake temperatures", and nothing was changed.');
  });
});

describe('notification centre', () => {
  it('counts unread notifications and marks them read on every device', async () => {
    const phone = await live(users.dana.client.cookie);
    const laptop = await live(users.dana.client.cookie);
    const listed = await users.dana.client.get('/notifications');
    expect(listed.status).toBe(200);
    expect(listed.body.items.length).toBeGreaterThanOrEqual(4);
    expect(listed.body.unreadCount).toBe(listed.body.items.filter((item: { readAt: string | null }) => item.readAt === null).length);

    const first = listed.body.items[0];
    const read = await users.dana.client.post(`/notifications/${first.id}/read`, {});
    expect(read.body.unreadCount).toBe(listed.body.unreadCount - 1);
    for (const device of [phone, laptop]) {
      const event = await device.waitFor('notification:read', (received) => Array.isArray(received.ids) && received.ids.includes(first.id));
      expect(event.unreadCount).toBe(listed.body.unreadCount - 1);
    }
    expect((await users.dana.client.post(`/notifications/${first.id}/read`, {})).body.unreadCount).toBe(listed.body.unreadCount - 1);

    const unreadOnly = await users.dana.client.get('/notifications?unread=true&limit=2');
    expect(unreadOnly.body.items.every((item: { readAt: string | null }) => item.readAt === null)).toBe(true);
    expect(unreadOnly.body.nextCursor).not.toBeNull();
    const nextPage = await users.dana.client.get(`/notifications?unread=true&limit=2&cursor=${unreadOnly.body.nextCursor}`);
    expect(nextPage.body.items[0].id).not.toBe(unreadOnly.body.items[0].id);

    expect((await users.dana.client.post('/notifications/read-all', {})).body).toEqual({ unreadCount: 0 });
    expect((await laptop.waitFor('notification:read', (received) => received.ids === 'all')).unreadCount).toBe(0);

    // Another user's notification id changes nothing.
    expect((await users.eli.client.post(`/notifications/${first.id}/read`, {})).body.unreadCount).toBeGreaterThanOrEqual(0);
    expect((await new TestClient(stack.url).get('/notifications')).status).toBe(401);
  });
});
