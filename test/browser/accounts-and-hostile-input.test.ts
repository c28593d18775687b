import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from '../helpers/processes.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';
import { uploadAndLoad } from '../helpers/imports.js';

/*
 * The account pages in Chromium, and hostile text: script tags and event handlers typed into
 * every text a user can enter are shown as text and never run. A payload that ran would set
 * `window.__xss`; one that became markup would add an element the checks look for.
 */

const SCREENSHOTS = path.join(REPO_ROOT, 'test', 'browser', '__screenshots__');
const PAYLOADS = {
  img: '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  script: '<script>window.__xss=(window.__xss||0)+1</script>',
  svg: '<svg onload="window.__xss=(window.__xss||0)+1"></svg>',
  link: '<a href="javascript:window.__xss=1" onclick="window.__xss=1">click</a>',
};
const hostile = (label: string, payload: string) => `${label} ${payload}`;

let stack: Stack;
let browser: Browser;
let page: Page;
let attacker: http.Server;
let attackerUrl: string;
const consoleErrors: string[] = [];
const world = { projectId: '', datasetId: '' };

async function api(method: string, apiPath: string, cookie: string, body?: unknown) {
  const response = await fetch(`${stack.url}/api/v1${apiPath}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

function ensureClientBuilt(): void {
  const bundle = path.join(REPO_ROOT, 'client', 'dist', 'index.html');
  if (existsSync(bundle) && statSync(bundle).mtimeMs > Date.now() - 3600_000) return;
  execFileSync('npm', ['run', 'build:client'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

/** Fills the portal with hostile text in every place a user can type it. */
async function plantHostileText(cookie: string): Promise<void> {
  const project = await api('POST', '/projects', cookie, { title: hostile('Project', PAYLOADS.img), description: hostile('About', PAYLOADS.script), keywords: [PAYLOADS.svg] });
  const dataset = await api('POST', `/projects/${project.id}/datasets`, cookie, {
    title: hostile('Dataset', PAYLOADS.svg),
    abstract: hostile('Abstract', PAYLOADS.img),
    rights: PAYLOADS.link,
    sourceName: PAYLOADS.script,
    keywords: [PAYLOADS.img],
    visibility: 'public',
    state: 'published',
  });
  world.projectId = project.id;
  world.datasetId = dataset.id;

  await api('POST', `/datasets/${dataset.id}/fields`, cookie, { label: hostile('Field', PAYLOADS.img), key: 'note', type: 'text', unit: PAYLOADS.svg });
  await api('POST', `/datasets/${dataset.id}/samples`, cookie, { name: PAYLOADS.script, values: { note: hostile('Cell', PAYLOADS.img) } });
  await api('POST', `/datasets/${dataset.id}/contributors`, cookie, { name: hostile('Contributor', PAYLOADS.img), affiliation: PAYLOADS.svg, roles: ['Creator'] });

  const member = await api('POST', '/users', cookie, { email: 'hostile@example.org', displayName: hostile('Member', PAYLOADS.img), password: 'hostile-password' });
  await api('POST', `/projects/${project.id}/invitations`, cookie, { email: 'hostile@example.org', role: 'viewer' });
  await stack.signIn({ email: 'hostile@example.org', password: 'hostile-password' });
  await api('PATCH', `/users/${member.id}`, cookie, { displayName: hostile('Renamed', PAYLOADS.svg) });
  await api('POST', '/account/tokens', cookie, { name: hostile('Token', PAYLOADS.img), scope: 'read' });

  const loaded = await uploadAndLoad(stack.url, cookie, dataset.id, `${PAYLOADS.img}.csv`, 'name,depth\nA,1\n');
  expect(loaded.state).toBe('completed');
}

/** Fails when any payload ran or became markup on the current page. */
async function expectInert(where: string): Promise<void> {
  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), `a payload ran on ${where}`).toBeUndefined();
  expect(await page.locator('main img[src="x"], main svg[onload], main script, main a[href^="javascript:"]').count(), `markup from text on ${where}`).toBe(0);
}

async function shot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  ensureClientBuilt();
  // ORCID is configured against a closed loopback port: the button shows, and nothing is contacted.
  stack = await startStack({ env: { ORCID_CLIENT_ID: 'portal', ORCID_ISSUER: 'http://127.0.0.1:9' } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));

  // A page on another origin of the same site, as an attacker would serve it.
  const attackerPort = await freePort();
  attackerUrl = `http://127.0.0.1:${attackerPort}`;
  attacker = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>elsewhere</title>
      <form id="forged" method="post" action="${stack.url}/api/v1/account/sign-out-everywhere"></form>
      <script>document.getElementById('forged').submit();</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(attackerPort, '127.0.0.1', resolve));

  await plantHostileText(await stack.signIn());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  await stack?.stop();
});

describe('account pages and hostile input', () => {
  it('shows the sign-in, sign-up and reset pages', async () => {
    await page.goto(`${stack.url}/sign-in?orcid=conflict`);
    await expect.poll(() => page.getByRole('link', { name: /Sign in with ORCID/ }).count()).toBe(1);
    expect(await page.getByRole('alert').textContent()).toContain('has not confirmed it');
    expect(await page.getByRole('link', { name: 'Sign up' }).getAttribute('href')).toBe('/sign-up');
    await shot('sign-in');

    await page.goto(`${stack.url}/sign-up`);
    await page.getByLabel('Name').fill('Visitor');
    await page.getByLabel('Email address').fill('visitor@example.org');
    await page.getByLabel('Password').fill('visitor-password');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => page.locator('main [role=status]').textContent()).toContain('Check your inbox');
    await shot('sign-up');

    await page.goto(`${stack.url}/reset-password`);
    await page.getByLabel('Email address').fill('visitor@example.org');
    await page.getByRole('button', { name: 'Send link' }).click();
    await expect.poll(() => page.locator('main [role=status]').textContent()).toContain('If an account uses this address');
    await shot('reset-password');

    await page.goto(`${stack.url}/verify-email#token=${'A'.repeat(43)}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid, expired or already used');
    expect(page.url()).toBe(`${stack.url}/verify-email`);
  });

  it('signs in and manages tokens and sessions on the account page', async () => {
    await page.goto(`${stack.url}/sign-in`);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.url}/`);

    await page.goto(`${stack.url}/account`);
    await page.getByLabel('Token name').fill('Nightly sync');
    await page.getByLabel('Scope').selectOption('write');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => page.getByTestId('new-token').textContent()).toMatch(/^fpt_[A-Za-z0-9_-]{43}$/);
    const tokenRows = page.getByRole('table', { name: 'Your API tokens' }).locator('tbody tr');
    await expect.poll(() => tokenRows.count()).toBe(2);
    expect(await page.getByText('This browser').count()).toBe(1);
    await expectInert('the account page');
    await shot('account');
  });

  it('refuses a form posted from another origin of the same site', async () => {
    await page.goto(attackerUrl);
    await page.waitForLoadState('networkidle');
    expect(await page.content()).toContain('Cross-site request rejected');
    await page.goto(`${stack.url}/account`);
    await expect.poll(() => page.locator('.account__name').textContent()).toBe('Portal Admin');
  });

  it('shows hostile text as text on every page', async () => {
    await page.goto(`${stack.url}/`);
    await expect.poll(() => page.getByText(hostile('Project', PAYLOADS.img)).count()).toBeGreaterThan(0);
    await expectInert('the project list');

    await page.goto(`${stack.url}/projects/${world.projectId}`);
    await expect.poll(() => page.getByRole('table', { name: 'Project members' }).locator('tbody tr').count()).toBe(2);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(hostile('Project', PAYLOADS.img));
    expect(await page.getByText(hostile('Renamed', PAYLOADS.svg)).count()).toBe(1);
    await expectInert('the project page');
    await shot('project-members');

    await page.goto(`${stack.url}/datasets/${world.datasetId}`);
    await expect.poll(() => page.locator('table.imports tbody tr .badge').textContent(), { timeout: 60_000 }).toBe('Completed');
    await page.reload();
    await expect.poll(() => page.getByRole('gridcell', { name: hostile('Cell', PAYLOADS.img), exact: true }).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(hostile('Dataset', PAYLOADS.svg));
    expect(await page.getByRole('columnheader', { name: hostile('Field', PAYLOADS.img), exact: false }).count()).toBe(1);
    expect(await page.getByText(hostile('Contributor', PAYLOADS.img)).count()).toBe(1);
    expect(await page.locator('table.imports').textContent()).toContain(`${PAYLOADS.img}.csv`);
    expect(await page.getByRole('heading', { name: 'Access' }).count()).toBe(1);
    await expectInert('the dataset page');
    await shot('dataset-access');

    await page.goto(`${stack.url}/account`);
    await expect.poll(() => page.getByText(hostile('Token', PAYLOADS.img)).count()).toBe(1);
    await expectInert('the account page');

    await page.goto(`${stack.url}/admin/audit-log`);
    await expect.poll(() => page.getByRole('table', { name: 'Audit log' }).locator('tbody tr').count()).toBeGreaterThan(5);
    expect(await page.locator('.audit-log').textContent()).toContain(hostile('Renamed', PAYLOADS.svg).replaceAll('"', '\\"'));
    await expectInert('the audit log');
    await shot('audit-log');
  }, 120_000);

  it('lines up the members panel', async () => {
    await page.goto(`${stack.url}/projects/${world.projectId}`);
    const panel = page.locator('section[aria-labelledby="members-heading"]');
    await expect.poll(() => panel.getByRole('table', { name: 'Project members' }).locator('tbody tr').count()).toBe(2);

    // The role select of a member row is as high as the row's small Remove button.
    const roleSelect = (await panel.getByRole('table').locator('select').first().boundingBox())!;
    const removeButton = (await panel.getByRole('button', { name: /^Remove / }).first().boundingBox())!;
    expect(Math.abs(roleSelect.height - removeButton.height)).toBeLessThanOrEqual(1);

    // The invite form's labels share one line, and its controls and button share another.
    const form = panel.getByRole('form', { name: 'Invite a member' });
    const labelTops = await form.locator('.form__field > span:first-child').evaluateAll((labels) => labels.map((label) => label.getBoundingClientRect().top));
    expect(labelTops).toHaveLength(2);
    expect(Math.abs(labelTops[0]! - labelTops[1]!)).toBeLessThan(1);
    const controls = await form.locator('input, select, button').evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect()));
    expect(controls).toHaveLength(3);
    for (const box of controls.slice(1)) {
      expect(Math.abs(box.top - controls[0]!.top)).toBeLessThan(1);
      expect(Math.abs(box.bottom - controls[0]!.bottom)).toBeLessThan(1);
    }
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'members-panel.png') });
  });

  it('invites by the URL form of an ORCID iD', async () => {
    await page.goto(`${stack.url}/projects/${world.projectId}`);
    const form = page.getByRole('form', { name: 'Invite a member' });
    await form.getByLabel('Email address or ORCID iD').fill('https://orcid.org/0000-0002-1825-0097');
    await form.getByRole('button', { name: 'Invite' }).click();

    const pending = page.locator('ul.invitations li');
    await expect.poll(() => pending.count()).toBe(1);
    expect(await pending.textContent()).toContain('0000-0002-1825-0097 as viewer');
    expect(await page.locator('section[aria-labelledby="members-heading"] [role=alert]').count()).toBe(0);
  });

  it('changes access from the dataset page and audits it', async () => {
    await page.goto(`${stack.url}/datasets/${world.datasetId}`);
    await page.getByLabel('Visibility').selectOption('internal');
    await page.getByLabel('Embargo until').fill('2099-01-01');
    await page.getByRole('button', { name: 'Save access' }).click();
    await expect.poll(() => page.locator('[data-embargo]').textContent()).toBe('Embargoed until 2099-01-01');
    expect(await page.locator('[data-visibility]').textContent()).toBe('Internal');

    await page.goto(`${stack.url}/admin/audit-log`);
    await page.getByLabel('Action').selectOption('dataset.access-change');
    await expect.poll(() => page.getByRole('table', { name: 'Audit log' }).locator('tbody tr').count()).toBe(1);
    expect(await page.locator('.audit-log__details').textContent()).toContain('"embargoUntil":"2099-01-01T00:00:00.000Z"');
  });

  it('hides embargoed data from visitors', async () => {
    await api('PATCH', `/datasets/${world.datasetId}`, await stack.signIn(), { visibility: 'public' });
    const visitor = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await visitor.goto(`${stack.url}/datasets/${world.datasetId}`);
    await expect.poll(() => visitor.getByRole('status').filter({ hasText: 'under embargo' }).count()).toBe(1);
    expect(await visitor.locator('.grid').count()).toBe(0);
    expect(await visitor.getByText(hostile('Cell', PAYLOADS.img)).count()).toBe(0);
    await visitor.screenshot({ path: path.join(SCREENSHOTS, 'dataset-embargoed.png'), fullPage: true });
    await visitor.close();
  });

  it('offers no retry for a hidden dataset', async () => {
    const hidden = await api('POST', `/projects/${world.projectId}/datasets`, await stack.signIn(), { title: 'Hidden cores', visibility: 'private' });
    const visitor = await browser.newPage({ viewport: { width: 1280, height: 700 } });
    await visitor.goto(`${stack.url}/datasets/${hidden.id}`);
    const alert = visitor.locator('main').getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(`Dataset ${hidden.id} was not found`);
    expect(await alert.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    const signIn = visitor.locator('main').getByRole('link', { name: 'Sign in', exact: true });
    expect(await signIn.getAttribute('href')).toBe(`/sign-in?next=/datasets/${hidden.id}`);
    await visitor.screenshot({ path: path.join(SCREENSHOTS, 'dataset-not-found.png') });

    // A server error may be temporary, so its notice keeps the button.
    await visitor.route(`${stack.url}/api/v1/datasets/${hidden.id}`, (route) => route.fulfill({ status: 503, contentType: 'text/html', body: '<h1>Service unavailable</h1>' }));
    await visitor.reload();
    await expect.poll(() => alert.textContent()).toContain('HTTP 503');
    expect(await alert.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await visitor.close();
  });

  it('shows why signing out everywhere failed', async () => {
    const cookie = await stack.signIn({ email: 'hostile@example.org', password: 'hostile-password' });
    const separator = cookie.indexOf('=');
    const member = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await member.context().addCookies([{ name: cookie.slice(0, separator), value: cookie.slice(separator + 1), url: stack.url }]);
    await member.goto(`${stack.url}/account`);
    const button = member.getByRole('button', { name: 'Sign out everywhere' });
    await button.waitFor();

    // The session ends elsewhere, so the page's own request is rejected as signed out.
    await api('POST', '/account/sign-out-everywhere', cookie);
    await button.click();
    const alert = member.locator('section[aria-labelledby="sessions-heading"] [role=alert]');
    await expect.poll(() => alert.textContent()).toContain('Sign in');
    expect(await alert.textContent()).not.toContain('Something went wrong');
    expect(member.url()).toBe(`${stack.url}/account`);
    await member.close();
  });

  it('logged no browser errors but the expected refusals', () => {
    const expected = [/status of 403 .*\/account\/sign-out-everywhere/, /status of 400 .*\/auth\/verify-email/];
    expect(consoleErrors.filter((line) => !expected.some((pattern) => pattern.test(line)))).toEqual([]);
  });
});
