import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/processes.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';
import { ensureClientBuilt } from '../helpers/browser.js';
import { backdateUpload, runUploadExpirySweep } from '../helpers/upload-expiry.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test', 'browser', '__screenshots__');
const ROWS = 200;
const MISSING_DEPTH_ROW = 17;
const HTML_NOTE_ROW = 2;
const HTML_NOTE = "<img src=x onerror=document.title='injected'>";

/** Bytes of the first PATCH request of tus-js-client, as the upload form configures it. */
const FIRST_CHUNK_BYTES = 16 * 1024 * 1024;
const LONG_NOTES_ROWS = 200;

/** Builds a CSV of 200 rows with 90 kB notes: larger than one upload request, quick to analyse. */
function longNotesCsv(): Buffer {
  const lines = ['name,note'];
  for (let row = 1; row <= LONG_NOTES_ROWS; row += 1) lines.push(`N${row},${String(row % 10).repeat(90_000)}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

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

    // The analysis proposes how the columns are read; the uploader checks it and starts the load.
    const review = page.locator('.import-review');
    await expect.poll(() => review.count(), { timeout: 60_000 }).toBe(1);
    const targets = await review.locator('table.import-review__columns tbody tr[data-column]').evaluateAll((rows) => rows.map((row) => (row.querySelector('select') as unknown as { value: string }).value));
    expect(targets).toEqual(['name', 'latitude', 'longitude', 'field', 'field']);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review.png'), fullPage: true });
    await page.getByRole('button', { name: `Load ${ROWS} rows` }).click();

    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await expect.poll(() => bar.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe('Completed');
    const max = await bar.getAttribute('aria-valuemax');
    expect(await bar.getAttribute('aria-valuenow')).toBe(max);
    expect(Number(max)).toBe(ROWS);
    await expect.poll(() => page.locator('.import-status .badge').textContent()).toBe('Completed');
    // The badge shows the state, and no line under the bar repeats it.
    expect(await page.locator('.import-status__text').count()).toBe(0);

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

    await page.screenshot({ path: path.join(SCREENSHOTS, 'upload.png'), fullPage: true });

    await page.reload();
    await expect.poll(() => page.locator('[data-row-count]').getAttribute('data-row-count'), { timeout: 10_000 }).toBe(String(ROWS));
    await expect.poll(() => page.locator('table.imports tbody tr .badge').textContent()).toBe('Completed');
    expect(await page.title()).toBe('Lake depths · Fairport');

    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it('edits the dataset metadata and shows field errors', async () => {
    await page.getByRole('button', { name: 'Edit metadata' }).click();
    const form = page.getByRole('form', { name: 'Edit metadata' });
    await form.locator('input[name=license]').fill('CC BY');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => form.locator('.form__error').first().textContent()).toContain('SPDX');
    expect(await form.getByRole('alert').textContent()).toBe('Some values are not valid; see the messages below.');

    await form.locator('input[name=license]').fill('CC0-1.0');
    await form.locator('input[name=doi]').fill('https://doi.org/10.5281/zenodo.4242');
    await form.locator('input[name=temporalStart]').fill('2023-04-01');
    await form.locator('input[name=temporalEnd]').fill('2023-09-30');
    await form.getByRole('button', { name: 'Save changes' }).click();

    const facts = page.locator('.facts');
    await expect.poll(() => facts.textContent()).toContain('2023-04-01 to 2023-09-30');
    expect(await facts.getByRole('link', { name: 'CC0-1.0' }).count()).toBe(1);
    expect(await facts.getByRole('link', { name: '10.5281/zenodo.4242' }).getAttribute('href')).toBe('https://doi.org/10.5281/zenodo.4242');
  }, 60_000);

  it('resumes an upload interrupted by a network drop after a page reload', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Resumed uploads' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Long notes' } });
    const datasetId = (await dataset.json()).id as string;
    // A file on disk keeps its modification time, which is part of the fingerprint the browser resumes by.
    const file = { path: path.join(mkdtempSync(path.join(os.tmpdir(), 'fairport-resume-')), 'long-notes.csv'), buffer: longNotesCsv() };
    writeFileSync(file.path, file.buffer);
    expect(file.buffer.length).toBeGreaterThan(FIRST_CHUNK_BYTES);

    // The first 16 MiB request goes through; then the network drops for every request after it.
    const patches: { offset: number; afterReload: boolean }[] = [];
    let reloaded = false;
    page.on('request', (request) => {
      if (request.method() === 'PATCH' && request.url().includes('/api/v1/uploads/')) {
        patches.push({ offset: Number(request.headers()['upload-offset']), afterReload: reloaded });
      }
    });
    const dropAfterFirstChunk = (route: Route) => (route.request().method() === 'PATCH' && Number(route.request().headers()['upload-offset']) > 0 ? route.abort('connectionreset') : route.continue());
    await page.route('**/api/v1/uploads/**', dropAfterFirstChunk);

    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await page.locator('input[type=file]').setInputFiles(file.path);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect.poll(() => patches.filter((patch) => patch.offset === FIRST_CHUNK_BYTES).length, { timeout: 60_000 }).toBeGreaterThan(0);
    // While the network is down, the form shows that the upload is retrying.
    await expect.poll(() => page.locator('.upload-form p.small').textContent(), { timeout: 20_000 }).toMatch(/16 MiB of [\d.]+ MiB sent · the connection failed; trying again, continuing where it stopped$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'upload-retrying.png') });
    expect(await page.locator('.upload-form p.small').textContent()).toContain('trying again');

    // The half-finished upload is listed for everyone, and it survives the reload. The network comes back
    // only after the reload, so the old page's retries cannot finish the upload first.
    reloaded = true;
    await page.reload();
    await page.unroute('**/api/v1/uploads/**', dropAfterFirstChunk);
    await expect.poll(() => page.locator('table.imports tbody tr .badge').first().textContent(), { timeout: 10_000 }).toBe('Uploading');
    await page.getByRole('button', { name: 'Details' }).first().click();
    await expect.poll(() => page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow')).toBe(String(FIRST_CHUNK_BYTES));

    // A cancel is confirmed first, and keeping the import leaves it as it was.
    await page.getByRole('button', { name: 'Cancel import' }).click();
    const confirmCancel = page.getByRole('group', { name: 'Confirm the cancel' });
    expect(await confirmCancel.textContent()).toContain('Nothing from the file is added to the dataset');
    await confirmCancel.screenshot({ path: path.join(SCREENSHOTS, 'cancel-confirm.png') });
    await confirmCancel.getByRole('button', { name: 'Keep importing' }).click();
    expect(await confirmCancel.count()).toBe(0);
    expect(await page.locator('table.imports tbody tr .badge').first().textContent()).toBe('Uploading');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resume.png'), fullPage: true });

    await page.locator('input[type=file]').setInputFiles(file.path);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const review = page.locator('.import-review');
    await expect.poll(() => review.count(), { timeout: 60_000 }).toBe(1);

    const resumed = patches.filter((patch) => patch.afterReload);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.every((patch) => patch.offset >= FIRST_CHUNK_BYTES)).toBe(true);
    const imports = await (await page.request.get(`${stack.url}/api/v1/datasets/${datasetId}/imports`)).json();
    expect(imports.items).toHaveLength(1);
    expect(imports.items[0]).toMatchObject({
      state: 'awaiting_review',
      sizeBytes: file.buffer.length,
      bytesReceived: file.buffer.length,
      checksumSha256: createHash('sha256').update(file.buffer).digest('hex'),
      counts: { rows: LONG_NOTES_ROWS },
    });
    expect(consoleErrors.filter((error) => !error.includes('net::ERR_CONNECTION_RESET') && !error.includes('Failed to load resource'))).toEqual([]);
  }, 180_000);

  it('asks which table of a ZIP archive to load', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Archived campaign' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Campaign' } });
    const datasetId = (await dataset.json()).id as string;
    const archive = zipSync({
      'campaign/first.csv': strToU8('name,depth\nF1,1.5\n'),
      'campaign/second.csv': strToU8('name,depth,note\nS1,10,deep\nS2,20,deeper\n'),
      'campaign/README.md': strToU8('# Campaign'),
    });

    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await page.locator('input[type=file]').setInputFiles({ name: 'campaign.zip', mimeType: 'application/zip', buffer: Buffer.from(archive) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    const review = page.locator('.import-review');
    await expect.poll(() => review.count(), { timeout: 60_000 }).toBe(1);
    const tables = review.getByLabel('Table in the ZIP archive');
    expect(await tables.locator('option').allTextContents()).toEqual(['Choose a table…', 'campaign/first.csv (CSV, 18 bytes)', 'campaign/second.csv (CSV, 40 bytes)']);
    expect(await tables.inputValue()).toBe('');
    expect(await review.locator('.import-review__notes li').first().textContent()).toBe(
      'The ZIP archive contains 2 tables ("campaign/first.csv", "campaign/second.csv"); choose the one to import.',
    );
    expect(await review.locator('table.import-review__columns').count()).toBe(0);
    expect(await review.getByRole('button', { name: /^Load/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'zip-choice.png'), fullPage: true });

    await tables.selectOption('campaign/second.csv');
    await review.getByRole('button', { name: 'Analyse the chosen table' }).click();
    await expect.poll(() => review.locator('table.import-review__columns tbody tr[data-column]').count(), { timeout: 60_000 }).toBe(3);
    expect(await review.getByLabel('Table in the ZIP archive').inputValue()).toBe('campaign/second.csv');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'zip-chosen.png'), fullPage: true });

    await review.getByRole('button', { name: 'Load 2 rows' }).click();
    await expect.poll(() => page.locator('[data-row-count]').getAttribute('data-row-count'), { timeout: 60_000 }).toBe('2');
    await expect.poll(() => page.getByRole('gridcell', { name: 'S2', exact: true }).count()).toBe(1);
    expect(await page.getByRole('gridcell', { name: 'F1', exact: true }).count()).toBe(0);
  }, 120_000);

  it('explains the fixed type of existing fields', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Second campaign' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Cores' } });
    const datasetId = (await dataset.json()).id as string;
    const field = await page.request.post(`${stack.url}/api/v1/datasets/${datasetId}/fields`, { data: { label: 'Depth', key: 'depth_m', type: 'number', unit: 'm' } });
    expect(field.status()).toBe(201);

    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    const csv = 'name,depth_m,ph\nC1,1.5,7.1\nC2,NA,6.8\n';
    await page.locator('input[type=file]').setInputFiles({ name: 'cores.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const review = page.locator('.import-review');
    await expect.poll(() => review.locator('table.import-review__columns tbody tr[data-column]').count(), { timeout: 60_000 }).toBe(3);

    // The existing field's type and unit are fixed, and the row explains why.
    const reason = "Type and unit are those of the dataset's field “Depth”. Change that field itself to change them.";
    const depthType = review.getByLabel('Type of depth_m');
    const depthUnit = review.getByLabel('Unit of depth_m');
    expect(await depthType.isDisabled()).toBe(true);
    expect(await depthUnit.isDisabled()).toBe(true);
    expect(await depthUnit.inputValue()).toBe('m');
    expect(await depthType.getAttribute('title')).toContain("those of the dataset's field “Depth”");
    expect(await review.locator(`#${await depthType.getAttribute('aria-describedby')}`).textContent()).toBe(reason);
    expect(await review.locator('tr[data-column-notes="1"] .import-review__column-notes').textContent()).toContain(reason);
    expect(await review.locator('tr[data-column="2"] .import-review__locked').count()).toBe(0);

    // A new field's type and unit follow what the column becomes.
    expect(await review.getByLabel('Type of ph').isDisabled()).toBe(false);
    expect(await review.getByLabel('Unit of ph').isDisabled()).toBe(false);
    await review.getByLabel('What ph becomes').selectOption('skip');
    expect(await review.getByLabel('Type of ph').isDisabled()).toBe(true);
    expect(await review.getByLabel('Unit of ph').isDisabled()).toBe(true);

    // Controls are styled, the caption sits above the header row, headers have room between them,
    // and the missing-value codes fit their box.
    expect((await review.getByLabel('What ph becomes').boundingBox())!.height).toBeGreaterThanOrEqual(30);
    const table = (await review.locator('table.import-review__columns').boundingBox())!;
    const caption = (await review.locator('table.import-review__columns caption').boundingBox())!;
    const header = (await review.locator('table.import-review__columns thead').boundingBox())!;
    expect(caption.y + caption.height).toBeLessThanOrEqual(header.y + 1);
    const captionText = await review.locator('table.import-review__columns caption').evaluate((element) => {
      const range = element.ownerDocument.createRange();
      range.selectNodeContents(element);
      return range.getBoundingClientRect().x;
    });
    expect(captionText - table.x).toBeLessThan(16);
    const paddings = await review.locator('table.import-review__columns thead th').evaluateAll((cells) =>
      cells.map((cell) => {
        const style = cell.ownerDocument.defaultView!.getComputedStyle(cell);
        return parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      }),
    );
    expect(Math.min(...paddings)).toBeGreaterThanOrEqual(12);
    const missing = review.getByLabel('Missing-value codes');
    expect(await missing.evaluate((input) => input.scrollWidth <= input.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-existing-field.png'), fullPage: true });

    await review.getByRole('button', { name: 'Cancel import' }).click();
    await expect.poll(() => review.count(), { timeout: 10_000 }).toBe(0);
  }, 120_000);

  it('reads the file again with another encoding and separator', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Separators' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Stations' } });
    const datasetId = (await dataset.json()).id as string;
    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    // Latin-1 bytes: "Zürich" with ü as 0xFC.
    const csv = Buffer.concat([Buffer.from('name;depth\nZ'), Buffer.from([0xfc]), Buffer.from('rich;1\nBern;2\n')]);
    await page.locator('input[type=file]').setInputFiles({ name: 'stations.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const review = page.locator('.import-review');
    const rows = review.locator('table.import-review__columns tbody tr[data-column]');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2);
    expect(await review.getByLabel('Encoding').inputValue()).toBe('windows-1252');
    expect(await review.getByLabel('Columns separated by').inputValue()).toBe(';');
    await review.screenshot({ path: path.join(SCREENSHOTS, 'review-encoding.png') });

    await review.getByLabel('Columns separated by').selectOption(',');
    await review.getByRole('button', { name: 'Apply changes and analyse again' }).click();
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(1);
    expect(await review.getByLabel('Columns separated by').inputValue()).toBe(',');

    await review.getByRole('button', { name: 'Cancel import' }).click();
    await expect.poll(() => review.count(), { timeout: 10_000 }).toBe(0);
  }, 120_000);

  it('says to upload again after an upload expired', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Abandoned uploads' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Expired' } });
    const datasetId = (await dataset.json()).id as string;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fairport-expiry-')), 'stations.csv');
    writeFileSync(file, 'name,value\nA,1\nB,2\n');

    // The upload is created, then the network drops for every PATCH request, and the page is left.
    let patches = 0;
    const dropPatches = (route: Route) => (route.request().method() === 'PATCH' ? route.abort('connectionreset') : route.continue());
    page.on('request', (request) => {
      if (request.method() === 'PATCH' && request.url().includes('/api/v1/uploads/')) patches += 1;
    });
    await page.route('**/api/v1/uploads/**', dropPatches);
    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect.poll(() => patches, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.reload();
    await page.unroute('**/api/v1/uploads/**', dropPatches);

    // A day later the worker's sweep removes it.
    const listed = await (await page.request.get(`${stack.url}/api/v1/datasets/${datasetId}/imports`)).json();
    const expiredId = listed.items[0].id as string;
    await backdateUpload(stack.env.UPLOAD_DIR!, expiredId, 25);
    expect((await runUploadExpirySweep(stack.env.REDIS_PREFIX!)).expired).toEqual([expiredId]);

    // Choosing the file again tries to resume it, and the form shows what happened instead of spinning.
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = page.locator('.upload-form [role=alert]');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toBe(
      'The upload expired: no bytes arrived for 24 hours, so the server removed the unfinished file. Upload the file again from the start. Press "Upload again" to send it.',
    );
    expect(await page.getByRole('progressbar', { name: 'Upload progress' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'upload-expired.png'), fullPage: true });

    await page.getByRole('button', { name: 'Upload again' }).click();
    await expect.poll(() => page.locator('.import-review').count(), { timeout: 60_000 }).toBe(1);
    const imports = await (await page.request.get(`${stack.url}/api/v1/datasets/${datasetId}/imports`)).json();
    expect(imports.items.map((item: { id: string; state: string }) => [item.id === expiredId, item.state])).toEqual([
      [false, 'awaiting_review'],
      [true, 'failed'],
    ]);

    // After a reload, the failed import's row in the list still gives its reason under the badge.
    await page.reload();
    const failedRow = page.locator(`table.imports tbody tr[data-import-id="${expiredId}"]`);
    await expect.poll(() => failedRow.locator('.badge').textContent(), { timeout: 10_000 }).toBe('Failed');
    expect(await failedRow.locator('.imports__reason').textContent()).toBe(
      'The upload expired: no bytes arrived for 24 hours, so the server removed the unfinished file. Upload the file again from the start.',
    );
  }, 120_000);

  it('notes coordinate notation and detection limits', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Well chemistry' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Arsenic' } });
    const datasetId = (await dataset.json()).id as string;
    const csv = [
      'Site,lat,lon,Arsenic (µg/L)',
      `A1,46°12'30.5"N,6°08'52.0"E,<0.01`,
      `A2,46°31'12"N,6°37'45"E,BDL`,
      `A3,33°51'35.9"S,151°12'40.3"E,0.35`,
    ].join('\n');

    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await page.locator('input[type=file]').setInputFiles({ name: 'wells.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const review = page.locator('.import-review');
    await expect.poll(() => review.locator('table.import-review__columns tbody tr[data-column]').count(), { timeout: 60_000 }).toBe(4);

    const notesOf = (column: number) => review.locator(`tr[data-column-notes="${column}"] .import-review__column-notes p`).allTextContents();
    expect(await notesOf(1)).toEqual(['Read as degrees, minutes and seconds.']);
    expect(await notesOf(2)).toEqual(['Read as degrees, minutes and seconds.']);
    expect(await notesOf(3)).toEqual(['2 cells are detection limits such as "<0.01" (read as below 0.01), kept with their qualifier and also stored as measurements.']);

    // Each example is a line of its own, so a value with separators in it stays one value.
    expect(await review.locator('tr[data-column="1"] .import-review__examples li').allTextContents()).toEqual([`46°12'30.5"N`, `46°31'12"N`, `33°51'35.9"S`]);

    // The field key shows only for a column that becomes a field.
    const headerOf = (column: number) => review.locator(`tr[data-column="${column}"] th`).textContent();
    expect(await headerOf(3)).toBe('Arsenic (µg/L) as arsenic');
    await review.getByLabel('What Site becomes').selectOption('name');
    expect(await headerOf(0)).toBe('Site');
    // A changed mapping must be analysed again before loading, and the review shows a line about it.
    expect(await review.getByText('The file is loaded as analysed: apply the changes to analyse it again, then load it.').count()).toBe(1);
    await review.getByLabel('What Site becomes').selectOption('field');
    expect(await headerOf(0)).toBe('Site as site');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-notes.png'), fullPage: true });

    await review.getByRole('button', { name: 'Cancel import' }).click();
    await expect.poll(() => review.count(), { timeout: 10_000 }).toBe(0);
  }, 120_000);

  it('lists issues before the load button', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Lake stations' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Stations' } });
    const datasetId = (await dataset.json()).id as string;
    const csv = ['name,lat,lon,depth (m)', `A,47°02'60"N,8°30'00"E,1`, `B,47°03'10"N,8°31'00"E,2`, `C,47°04'20"N,8°32'00"E,3`].join('\n');

    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await page.locator('input[type=file]').setInputFiles({ name: 'stations.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const review = page.locator('.import-review');
    const issues = review.locator('table.issues tbody tr');
    await expect.poll(() => issues.count(), { timeout: 60_000 }).toBe(1);

    const cells = await issues.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['2', 'lat', `47°02'60"N`]);
    expect(cells[3]).toBe(`"47°02'60"N" is not a latitude in degrees: the seconds must be below 60`);
    const valueLines = await issues.locator('td.issues__value').evaluate((cell) => {
      const range = cell.ownerDocument.createRange();
      range.selectNodeContents(cell);
      return range.getClientRects().length;
    });
    expect(valueLines, 'the short value stays on one line').toBe(1);
    const load = review.getByRole('button', { name: 'Load the 2 valid rows, leave out 1 row' });
    // Node.DOCUMENT_POSITION_FOLLOWING: the button comes after the issues table.
    const following = 4;
    const issuesFirst = await review
      .locator('table.issues')
      .evaluate((table, [button, flag]) => (table.compareDocumentPosition(button as typeof table) & (flag as number)) !== 0, [await load.elementHandle(), following] as const);
    expect(issuesFirst).toBe(true);
    expect(await review.getByRole('link', { name: 'Download the invalid value as CSV' }).count()).toBe(1);
    const widths = await review.locator('table.import-review__columns').evaluate((table) => ({ table: table.scrollWidth, box: table.closest('.table-scroll')!.clientWidth }));
    expect(widths.table).toBeLessThanOrEqual(widths.box);
    await review.screenshot({ path: path.join(SCREENSHOTS, 'review-issues.png') });

    await review.getByRole('button', { name: 'Cancel import' }).click();
    await expect.poll(() => review.count(), { timeout: 10_000 }).toBe(0);
  }, 120_000);

  it('asks no visitor to upload into an empty dataset', async () => {
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Open campaign' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, {
      data: { title: 'Not sampled yet', visibility: 'public', state: 'published' },
    });
    const datasetId = (await dataset.json()).id as string;

    const visitor = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      await visitor.goto(`${stack.url}/datasets/${datasetId}`);
      await expect.poll(() => visitor.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
      await expect.poll(() => visitor.locator('.empty').first().textContent()).toBe('No samples yet.');
      expect(await visitor.getByText('Sign in to upload files into this dataset.').count()).toBe(1);
    } finally {
      await visitor.close();
    }

    await page.goto(`${stack.url}/datasets/${datasetId}`);
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => page.locator('.empty').first().textContent()).toBe('No samples yet. Upload a CSV, XLSX, ODS or GeoJSON file below, or press Add row.');
  }, 60_000);

  it('shows why the server rejected an upload', async () => {
    // Signs in on its own, so it also runs alone; it signs out, so it runs last.
    expect((await page.request.post(`${stack.url}/api/v1/auth/sign-in`, { data: ADMIN })).status()).toBe(200);
    const project = await page.request.post(`${stack.url}/api/v1/projects`, { data: { title: 'Rejected uploads' } });
    const dataset = await page.request.post(`${stack.url}/api/v1/projects/${(await project.json()).id}/datasets`, { data: { title: 'Rejected' } });
    await page.goto(`${stack.url}/datasets/${(await dataset.json()).id}`);
    await page.locator('input[type=file]').setInputFiles({ name: 'stations.csv', mimeType: 'text/csv', buffer: Buffer.from('name,value\nA,1\n') });

    // The session ends in another tab, so the server rejects the upload with a problem document.
    expect((await page.request.post(`${stack.url}/api/v1/auth/sign-out`)).status()).toBe(204);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = page.locator('.upload-form [role=alert]');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toBe('The upload stopped: Sign in to upload files: POST /api/v1/auth/sign-in.');
  }, 120_000);
});
