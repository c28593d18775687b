import type { ParsedMail } from 'mailparser';
import pg from 'pg';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailbox, type Mailbox } from '../helpers/mailbox.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

/*
 * Sign-up, email verification, password reset and invitations through real server and worker
 * processes and a real SMTP server; afterwards the processes' complete logs are searched for
 * every secret the flows handled.
 */

const secrets: string[] = [];
let mailbox: Mailbox;
let stack: Stack;

class Client {
  cookie = '';

  async send(method: string, apiPath: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${stack.url}/api/v1${apiPath}`, {
      method,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      this.cookie = setCookie.split(';')[0]!;
      secrets.push(decodeURIComponent(this.cookie.split('=')[1]!).slice(2).split('.')[0]!);
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
}

async function waitForMail(to: string, count = 1): Promise<ParsedMail> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const matching = mailbox.deliveries.filter((delivery) => delivery.to.includes(to));
    if (matching.length >= count) return matching[count - 1]!.mail;
    if (Date.now() > deadline) throw new Error(`No message number ${count} to ${to} arrived; got ${mailbox.deliveries.length} in all`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The one-time token in a link's fragment (`#token=…`). */
function tokenOfMail(mail: ParsedMail, path: string): string {
  const link = new RegExp(`(https?://\\S+${path}#token=([A-Za-z0-9_-]{43}))`).exec(mail.text ?? '');
  if (!link) throw new Error(`No ${path} link in:\n${mail.text}`);
  secrets.push(link[2]!);
  return link[2]!;
}

async function sql(query: string, values: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: stack.database.url });
  await client.connect();
  try {
    await client.query(query, values);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  mailbox = await startMailbox();
  stack = await startStack({ env: { SMTP_URL: mailbox.url, LOG_LEVEL: 'debug' }, keepFullOutput: true });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await mailbox?.close();
});

describe('accounts by email', () => {
  const password = 'first-password-1';

  it('makes an account only once the emailed link is opened', async () => {
    const visitor = new Client();
    const started = await visitor.send('POST', '/auth/sign-up', { email: 'Nia@Example.org', displayName: 'Nia Okafor', password });
    expect(started.status).toBe(202);
    const mail = await waitForMail('nia@example.org');
    expect(mail.subject).toBe('Confirm your email address for Fairport');
    expect(mail.html).toBe(false);

    expect((await new Client().send('POST', '/auth/sign-in', { email: 'nia@example.org', password })).status).toBe(401);

    const token = tokenOfMail(mail, '/verify-email');
    const verified = await visitor.send('POST', '/auth/verify-email', { token });
    expect(verified.status).toBe(200);
    expect(verified.body.user).toMatchObject({ email: 'nia@example.org', displayName: 'Nia Okafor', role: 'member' });
    expect((await visitor.send('GET', '/auth/session')).body.user.email).toBe('nia@example.org');

    const reused = await new Client().send('POST', '/auth/verify-email', { token });
    expect(reused.status).toBe(400);
    expect(reused.body.detail).toBe('This link is invalid, expired or already used; ask for a new one.');
    expect((await new Client().send('POST', '/auth/sign-in', { email: 'nia@example.org', password })).status).toBe(200);
  });

  it('answers a sign-up for a taken address like any other', async () => {
    const taken = await new Client().send('POST', '/auth/sign-up', { email: ADMIN.email, displayName: 'Impostor', password: 'impostor-password' });
    const fresh = await new Client().send('POST', '/auth/sign-up', { email: 'fresh@example.org', displayName: 'Fresh', password: 'fresh-password-1' });
    expect(taken.status).toBe(fresh.status);
    expect(taken.body).toEqual(fresh.body);

    const notice = await waitForMail(ADMIN.email);
    expect(notice.subject).toBe('You already have a Fairport account');
    expect(notice.text).not.toMatch(/token=/);
    expect((await new Client().send('POST', '/auth/sign-in', { email: ADMIN.email, password: ADMIN.password })).status).toBe(200);
  });

  it('resets a password once and signs out everywhere', async () => {
    const oldSession = new Client();
    expect((await oldSession.send('POST', '/auth/sign-in', { email: 'nia@example.org', password })).status).toBe(200);

    const known = await new Client().send('POST', '/auth/password-reset', { email: 'nia@example.org' });
    const unknown = await new Client().send('POST', '/auth/password-reset', { email: 'nobody@example.org' });
    expect(known.status).toBe(202);
    expect(unknown.body).toEqual(known.body);

    const mail = await waitForMail('nia@example.org', 2);
    expect(mail.subject).toBe('Reset your Fairport password');
    const token = tokenOfMail(mail, '/reset-password');
    const newPassword = 'second-password-2';
    secrets.push(password, newPassword);

    expect((await new Client().send('POST', '/auth/password-reset/confirm', { token, password: newPassword })).status).toBe(204);
    expect((await new Client().send('POST', '/auth/password-reset/confirm', { token, password: 'third-password-3' })).status).toBe(400);
    expect((await oldSession.send('GET', '/auth/session')).body.user).toBeNull();
    expect((await new Client().send('POST', '/auth/sign-in', { email: 'nia@example.org', password })).status).toBe(401);
    expect((await new Client().send('POST', '/auth/sign-in', { email: 'nia@example.org', password: newPassword })).status).toBe(200);
    expect(mailbox.deliveries.filter((delivery) => delivery.to.includes('nobody@example.org'))).toEqual([]);
  });

  it('refuses an expired reset link', async () => {
    await new Client().send('POST', '/auth/password-reset', { email: 'nia@example.org' });
    const token = tokenOfMail(await waitForMail('nia@example.org', 3), '/reset-password');
    await sql("UPDATE auth_tokens SET expires_at = now() - interval '1 minute' WHERE purpose = 'password-reset' AND used_at IS NULL", []);
    expect((await new Client().send('POST', '/auth/password-reset/confirm', { token, password: 'late-password-4' })).status).toBe(400);
  });

  it('accepts an email invitation when the invitee signs up', async () => {
    const admin = new Client();
    await admin.send('POST', '/auth/sign-in', ADMIN);
    const project = await admin.send('POST', '/projects', { title: 'Invitations' });
    const invited = await admin.send('POST', `/projects/${project.body.id}/invitations`, { email: 'invitee@example.org', role: 'editor' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ state: 'pending', role: 'editor', projectTitle: 'Invitations' });
    const invitation = await waitForMail('invitee@example.org');
    expect(invitation.text).toContain('"Invitations"');

    const invitee = new Client();
    await invitee.send('POST', '/auth/sign-up', { email: 'invitee@example.org', displayName: 'Invitee', password: 'invitee-password' });
    const token = tokenOfMail(await waitForMail('invitee@example.org', 2), '/verify-email');
    expect((await invitee.send('POST', '/auth/verify-email', { token })).status).toBe(200);

    const members = await admin.send('GET', `/projects/${project.body.id}/members`);
    expect(members.body.items.map((member: { email: string; role: string }) => [member.email, member.role])).toEqual([
      [ADMIN.email, 'owner'],
      ['invitee@example.org', 'editor'],
    ]);
    const invitations = await admin.send('GET', `/projects/${project.body.id}/invitations`);
    expect(invitations.body.items[0].state).toBe('accepted');
  });

  it('uses API tokens with their scope and records the last use', async () => {
    const admin = new Client();
    await admin.send('POST', '/auth/sign-in', ADMIN);
    const created = await admin.send('POST', '/account/tokens', { name: 'reader', scope: 'read', expiresInDays: 7 });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    secrets.push(token);
    expect(token).toMatch(/^fpt_[A-Za-z0-9_-]{43}$/);

    const bearer = new Client();
    const headers = { authorization: `Bearer ${token}` };
    expect((await bearer.send('GET', '/projects', undefined, headers)).status).toBe(200);
    expect((await bearer.send('POST', '/projects', { title: 'Read-only' }, headers)).status).toBe(403);
    expect((await bearer.send('GET', '/account/tokens', undefined, headers)).status).toBe(403);
    expect((await bearer.send('GET', '/projects', undefined, { authorization: 'Bearer fpt_not-a-real-token' })).status).toBe(401);

    const listed = await admin.send('GET', '/account/tokens');
    const entry = listed.body.items.find((item: { id: string }) => item.id === created.body.id);
    expect(entry.lastUsedAt).not.toBeNull();
    expect(entry.prefix).toBe(token.slice(0, 10));
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const socket = connect(stack.url, { transports: ['websocket'], auth: { token }, reconnection: false });
    await new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', reject);
    });
    socket.disconnect();

    const writer = await admin.send('POST', '/account/tokens', { name: 'writer', scope: 'write' });
    secrets.push(writer.body.token);
    expect((await bearer.send('POST', '/projects', { title: 'Written with a token' }, { authorization: `Bearer ${writer.body.token}` })).status).toBe(201);

    await sql("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [writer.body.id]);
    expect((await bearer.send('GET', '/projects', undefined, { authorization: `Bearer ${writer.body.token}` })).status).toBe(401);
  });

  it('writes no secret to the logs', async () => {
    const logs = [...stack.servers, ...stack.workers].map((process) => process.output()).join('\n');
    expect(logs).toContain('"msg":"signed in"');
    expect(logs).toContain('"msg":"email sent"');
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) expect(logs.includes(secret), `a secret of ${secret.length} characters is in the logs`).toBe(false);
  });
});
