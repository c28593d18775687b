import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/api-server.js';
import { ensureClientBuilt, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

const MEMBER = { email: 'mira@example.org', password: 'mira-browser-password', displayName: 'Mira Member' };
const HOSTILE_BODY = [
  'Uploads **pause** tonight. Details: [status page](https://example.org/status).',
  '<script>window.__noticeScript = 1</script>',
  '<img src=x onerror="window.__noticeScript = 2">',
  '[click me](javascript:window.__noticeScript=3)',
].join('\n\n');

describe('notices and notifications in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let adminPage: Page;
  let memberPage: Page;
  let projectId: string;
  let datasetId: string;
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startStack();
    const api = await new TestClient(stack.url).signIn();
    const member = await api.post('/users', { ...MEMBER, role: 'member' });
    const project = await api.post('/projects', { title: 'Fjord sediments' });
    projectId = project.body.id;
    datasetId = (await api.post(`/projects/${projectId}/datasets`, { title: 'Grain sizes', visibility: 'public' })).body.id;
    await api.send('PUT', `/projects/${projectId}/members/${member.body.id}`, { role: 'editor' });

    browser = await launchChromium();
    adminPage = await signedInPage(ADMIN.email, ADMIN.password);
    memberPage = await signedInPage(MEMBER.email, MEMBER.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signedInPage(email: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      // Writes rejected during maintenance get expected 503 responses, which Chromium logs as errors.
      if (message.type() === 'error' && !message.text().includes('503')) consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${stack.url}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.url}/`);
    await page.locator('.connection[data-state="live"]').waitFor({ timeout: 10_000 });
    return page;
  }

  it('publishes a notice that appears live and renders inert', async () => {
    await adminPage.goto(`${stack.url}/admin/notices`);
    await adminPage.getByLabel('Level').selectOption('warning');
    await adminPage.getByLabel('Title', { exact: true }).fill('Storage maintenance tonight');
    await adminPage.getByLabel(/^Message/).fill(HOSTILE_BODY);

    const preview = adminPage.getByTestId('notice-preview');
    await expect.poll(() => preview.innerHTML()).toContain('<strong>pause</strong>');
    expect(await preview.locator('img, script').count()).toBe(0);
    await expect.poll(() => adminPage.getByTestId('notice-reach').textContent()).toBe('Reaches 2 users, and visitors who are not signed in.');
    await adminPage.getByLabel('Audience').selectOption('project');
    await adminPage.getByLabel(/^Project/).selectOption(projectId);
    await expect.poll(() => adminPage.getByTestId('notice-reach').textContent()).toBe('Reaches 2 users.');
    await adminPage.getByLabel('Audience').selectOption('everyone');
    await adminPage.screenshot({ path: path.join(SCREENSHOTS, 'admin-notice-compose.png'), fullPage: true });

    await adminPage.getByRole('button', { name: 'Publish notice' }).click();
    await expect.poll(() => adminPage.locator('section[aria-label="Active"] tbody tr').count()).toBe(1);

    const banner = memberPage.locator('.notice-banner', { hasText: 'Storage maintenance tonight' });
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(1);
    expect(await banner.getAttribute('data-level')).toBe('warning');
    expect(await banner.locator('.notice-banner__body strong').textContent()).toBe('pause');
    expect(await banner.locator('.notice-banner__body img, .notice-banner__body script').count()).toBe(0);
    expect(await banner.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await banner.locator('a[href="https://example.org/status"]').getAttribute('rel')).toBe('noopener noreferrer nofollow');
    await banner.getByText('click me').click();
    expect(await memberPage.evaluate(() => (globalThis as unknown as { __noticeScript?: number }).__noticeScript)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await memberPage.screenshot({ path: path.join(SCREENSHOTS, 'notice-banner.png') });

    await banner.getByRole('button', { name: /Dismiss/ }).click();
    await expect.poll(() => banner.count()).toBe(0);
    await memberPage.reload();
    await expect.poll(() => memberPage.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    expect(await memberPage.locator('.notice-banner', { hasText: 'Storage maintenance tonight' }).count()).toBe(0);
  }, 60_000);

  it('switches the portal to read-only with a countdown and back', async () => {
    await adminPage.getByLabel('Level').selectOption('maintenance');
    await adminPage.getByLabel('Title', { exact: true }).fill('Database upgrade');
    await adminPage.getByLabel(/^Message/).fill('The portal is **read-only** during the upgrade.');
    const endsAt = new Date(Date.now() + 30 * 60_000 + 90_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${endsAt.getFullYear()}-${pad(endsAt.getMonth() + 1)}-${pad(endsAt.getDate())}T${pad(endsAt.getHours())}:${pad(endsAt.getMinutes())}`;
    await adminPage.getByLabel('Ends at').fill(local);
    await adminPage.getByLabel('Make the portal read-only').check();
    expect(await adminPage.getByLabel('Users may dismiss it').isDisabled()).toBe(true);
    await adminPage.getByRole('button', { name: 'Publish notice' }).click();

    const banner = memberPage.locator('.notice-banner[data-level="maintenance"]');
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => banner.locator('.notice-banner__countdown').textContent()).toMatch(/^Read-only for (30|31):\d\d\. Changes are refused/);
    expect(await banner.getByRole('button', { name: /Dismiss/ }).count()).toBe(0);

    await memberPage.getByLabel('Title', { exact: true }).fill('Made during maintenance');
    await memberPage.getByRole('button', { name: 'Create project' }).click();
    const refusal = memberPage.locator('form .notice--error');
    await expect.poll(() => refusal.textContent()).toContain('The portal is read-only for maintenance');
    await memberPage.screenshot({ path: path.join(SCREENSHOTS, 'maintenance-read-only.png'), fullPage: true });

    const row = adminPage.locator('section[aria-label="Active"] tr', { hasText: 'Database upgrade' });
    await row.getByRole('button', { name: 'Withdraw' }).click();
    await row.getByRole('button', { name: 'Confirm withdrawal' }).click();
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
    await memberPage.getByRole('button', { name: 'Create project' }).click();
    await memberPage.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    await adminPage.screenshot({ path: path.join(SCREENSHOTS, 'admin-notices.png'), fullPage: true });
  }, 60_000);

  it('shows notifications live in the bell and keeps email settings', async () => {
    await memberPage.goto(`${stack.url}/projects/${projectId}`);
    await memberPage.getByRole('button', { name: 'Follow' }).click();
    await expect.poll(() => memberPage.getByRole('button', { name: 'Following' }).count()).toBe(1);

    await adminPage.goto(`${stack.url}/datasets/${datasetId}`);
    await adminPage.getByRole('button', { name: 'Publish' }).click();
    await adminPage.screenshot({ path: path.join(SCREENSHOTS, 'dataset-publish.png') });
    await adminPage.getByRole('button', { name: 'Confirm: publish this dataset' }).click();
    await expect.poll(() => adminPage.locator('[data-dataset-state]').getAttribute('data-dataset-state')).toBe('published');

    // The membership notification from the set-up and the publication.
    const count = memberPage.getByTestId('unread-count');
    await expect.poll(() => count.textContent(), { timeout: 10_000 }).toBe('2 unread');
    await memberPage.getByRole('button', { name: /Notifications/ }).click();
    const panel = memberPage.getByRole('region', { name: 'Notifications' });
    expect(await panel.locator('.notification__title').allTextContents()).toEqual(['Published: Grain sizes', 'You were added to "Fjord sediments"']);
    await memberPage.screenshot({ path: path.join(SCREENSHOTS, 'notification-bell.png') });
    await panel.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => count.count()).toBe(0);

    await memberPage.goto(`${stack.url}/notifications`);
    await expect.poll(() => memberPage.locator('main .notification').count()).toBe(2);
    expect(await memberPage.locator('main .notification[data-unread="true"]').count()).toBe(0);
    await memberPage.screenshot({ path: path.join(SCREENSHOTS, 'notifications-page.png'), fullPage: true });

    await memberPage.goto(`${stack.url}/settings/notifications`);
    const publications = memberPage.getByLabel(/Publications in projects I follow/);
    await expect.poll(() => publications.isChecked()).toBe(true);
    await publications.uncheck();
    await expect.poll(() => memberPage.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    await memberPage.screenshot({ path: path.join(SCREENSHOTS, 'notification-settings.png'), fullPage: true });
    await memberPage.reload();
    await expect.poll(() => memberPage.getByLabel(/Publications in projects I follow/).isChecked()).toBe(false);

    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
