import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/processes.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';
import { ensureClientBuilt } from './client-build.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test', 'browser', '__screenshots__');
const ROWS = 200;
const MISSING_DEPTH_ROW = 17;
const HTML_NOTE_ROW = 2;
const HTML_NOTE = "<img src=x onerror=document.title='injected'>";

/** A CSV of lake samples with coordinates, one missing depth and one note that looks like HTML. */
function lakeCsv(): string {
  const lines = ['name,lat,lon,depth_m,note'];
  for (let row = 1; row <= ROWS; row += 1) {
    const name = `SITE-${String(row).padStart(4, '0')}`;
    const lat = (44 + (row % 20) * 0.15).toFixed(4);
    const lon = (5 + Math.floor(row / 20) * 0.4).toFixed(4);
    const depth = row === MISSING_DEPTH_ROW ? '' : (row * 1.5).toFixed(1);
    const note = row === HTML_NOTE_ROW ? HTML_NOTE : `routine sample ${row}`;
    lines.push([name, lat, lon, depth, note].join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('dataset upload in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    stack = await startStack();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('uploads a CSV and shows its rows, points and progress', async () => {
    await page.goto(`${stack.url}/sign-in`);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.url}/`);
    await expect.poll(() => page.locator('.account__name').textContent()).toBeTruthy();

    await page.getByLabel('Title').fill('Browser test lakes');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);

    await page.getByLabel('Title').fill('Lake depths');
    await page.getByLabel('Visibility').selectOption('public');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.waitForURL(/\/datasets\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => page.locator('.map-summary').textContent()).toBe('No samples yet');

    await page.locator('input[type=file]').setInputFiles({ name: 'lakes.csv', mimeType: 'text/csv', buffer: Buffer.from(lakeCsv()) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await expect.poll(() => bar.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe('completed');
    const max = await bar.getAttribute('aria-valuemax');
    expect(await bar.getAttribute('aria-valuenow')).toBe(max);
    expect(Number(max)).toBe(ROWS);
    await expect.poll(() => page.locator('.import-status__text').textContent()).toBe('completed');
    expect(await page.locator('.import-status .badge').textContent()).toBe('Completed');

    await expect.poll(() => page.locator('[data-row-count]').getAttribute('data-row-count'), { timeout: 10_000 }).toBe(String(ROWS));
    expect(await page.locator('.table-caption').textContent()).toContain('200 samples');
    await expect.poll(() => page.getByRole('gridcell', { name: 'SITE-0001', exact: true }).count()).toBe(1);
    expect(await page.getByRole('gridcell', { name: HTML_NOTE, exact: true }).count()).toBe(1);
    expect(await page.locator('.grid img').count()).toBe(0);

    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers.slice(0, 4)).toEqual(['Name', 'Latitude (°)', 'Longitude (°)', 'Collected at (UTC)']);
    const depthColumn = headers.findIndex((header) => /depth/i.test(header));
    expect(depthColumn).toBeGreaterThan(3);
    const cellsOf = (name: string) => page.getByRole('row').filter({ hasText: name }).getByRole('gridcell').allTextContents();
    const firstRow = await cellsOf('SITE-0001');
    expect(firstRow[1]).toBe('44.15');
    expect(firstRow[2]).toBe('5');
    expect(firstRow[depthColumn]).toBe('1.5');
    expect((await cellsOf(`SITE-00${MISSING_DEPTH_ROW}`))[depthColumn]).toBe('');

    await expect.poll(() => page.locator('.samples-map').getAttribute('data-marker-count'), { timeout: 10_000 }).toBe(String(ROWS));
    expect(await page.locator('.map-summary').textContent()).toBe('200 samples, all shown on the map');

    const importRow = page.locator('table.imports tbody tr');
    expect(await importRow.count()).toBe(1);
    expect(await importRow.locator('.badge').textContent()).toBe('Completed');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'upload.png'), fullPage: true });

    await page.reload();
    await expect.poll(() => page.locator('[data-row-count]').getAttribute('data-row-count'), { timeout: 10_000 }).toBe(String(ROWS));
    await expect.poll(() => page.locator('table.imports tbody tr .badge').textContent()).toBe('Completed');
    expect(await page.title()).toBe('Lake depths · Fairport');

    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
