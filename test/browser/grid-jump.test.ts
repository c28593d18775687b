import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { insertBulkRows } from '../helpers/bulk-rows.js';
import { openDatasetPage } from '../helpers/dataset-page.js';
import { fetchWindow, openSocket } from '../helpers/live-client.js';
import { markerCentres } from '../helpers/map-markers.js';
import { createLiveDataset, datasetSeq } from '../helpers/live-world.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

const ROWS = 100_000;
/** Height of a grid row in CSS pixels, as SamplesTable sets it. */
const ROW_HEIGHT = 32;

describe('jumping far down a 100,000-row grid', () => {
  let stack: Stack;
  let browser: Browser;
  let cookie: string;
  let datasetId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    stack = await startStack({ servers: 1, workers: 0 });
    cookie = await stack.signIn();
    ({ datasetId } = await createLiveDataset(stack.url, cookie, 0));
    await insertBulkRows(stack.database.url, datasetId, ROWS);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Records the position of every read of the dataset's rows from now on. */
  function recordRowReads(page: Page): number[] {
    const positions: number[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith(`/api/v1/datasets/${datasetId}/samples`)) return;
      positions.push(Number(url.searchParams.get('position') ?? -1));
    });
    return positions;
  }

  /** Gives the row at `position` a location, so the map draws it as a point, and returns the row. */
  async function locateRow(position: number, coordinates: [number, number]) {
    const [row] = (await fetchWindow(stack.url, cookie, datasetId, position, 1)).items;
    const located = await fetch(`${stack.url}/api/v1/samples/${row!.id}`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ location: { type: 'Point', coordinates } }),
    });
    expect(located.status).toBe(200);
    return row!;
  }

  const nameAt = (page: Page, index: number) => page.locator(`.grid__row[aria-rowindex="${index + 2}"] .grid__cell[data-column="name"]`).textContent();

  it('reads only the rows in view and keeps them live', async () => {
    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'R0', errors });
    expect(await page.locator('[data-row-count]').getAttribute('data-row-count')).toBe(String(ROWS));

    // Ctrl+End selects the last row's last cell.
    const reads = recordRowReads(page);
    await page.getByRole('gridcell', { name: 'R0', exact: true }).click();
    await page.keyboard.press('Control+End');
    await expect.poll(() => page.getByRole('gridcell', { name: `R${ROWS - 1}`, exact: true }).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.grid__cell.is-selected').evaluate((cell) => cell.closest('.grid__row')!.getAttribute('aria-rowindex'))).toBe(String(ROWS + 1));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.length).toBeLessThanOrEqual(3);
    expect(reads.every((position) => position >= ROWS - 1000)).toBe(true);

    // Setting scrollTop is what dragging the scrollbar does.
    reads.length = 0;
    await page.locator('.grid').evaluate((grid, top) => grid.scrollTo({ top }), (ROWS / 2) * ROW_HEIGHT);
    await expect.poll(() => nameAt(page, ROWS / 2), { timeout: 10_000 }).toBe(`R${ROWS / 2}`);
    expect(reads.length).toBeLessThanOrEqual(3);
    expect(reads.every((position) => Math.abs(position - ROWS / 2) <= 1000)).toBe(true);

    // A change of a row in view shows; a delete far above it moves it up one place.
    const [target] = (await fetchWindow(stack.url, cookie, datasetId, ROWS / 2 + 1, 1)).items;
    const renamed = await fetch(`${stack.url}/api/v1/samples/${target!.id}`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed far down' }),
    });
    expect(renamed.status).toBe(200);
    await expect.poll(() => nameAt(page, ROWS / 2 + 1), { timeout: 10_000 }).toBe('Renamed far down');

    const [above] = (await fetchWindow(stack.url, cookie, datasetId, 10_000, 1)).items;
    expect(above!.name).toBe('R10000');
    const socket = await openSocket(stack.url, cookie);
    const ack = await socket.emitWithAck('dataset:edit', {
      datasetId,
      mutationId: randomUUID(),
      baseSeq: await datasetSeq(stack.url, cookie, datasetId),
      ops: [{ type: 'sample.delete', sampleId: above!.id }],
    });
    socket.disconnect();
    expect(ack.ok).toBe(true);
    await expect.poll(() => page.locator('[data-row-count]').getAttribute('data-row-count'), { timeout: 10_000 }).toBe(String(ROWS - 1));
    expect(await nameAt(page, ROWS / 2)).toBe('Renamed far down');
    expect(await nameAt(page, ROWS / 2 - 1)).toBe(`R${ROWS / 2}`);

    // A row added at the end shows after the last row, which the grid has loaded since the jump.
    reads.length = 0;
    const added = await fetch(`${stack.url}/api/v1/datasets/${datasetId}/samples`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Added at the end' }),
    });
    expect(added.status).toBe(201);
    await expect.poll(() => page.locator('[data-row-count]').getAttribute('data-row-count'), { timeout: 10_000 }).toBe(String(ROWS));
    await page.keyboard.press('Control+End');
    await expect.poll(() => nameAt(page, ROWS - 1), { timeout: 10_000 }).toBe('Added at the end');
    expect(await nameAt(page, ROWS - 2)).toBe(`R${ROWS - 1}`);
    expect(reads).toEqual([]);

    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-jump-end.png') });
    expect(errors).toEqual([]);
  }, 60_000);

  it('scrolls sideways to the last cell that Ctrl+End selects', async () => {
    // Narrower than the grid's columns, so the last column starts out of view on the right.
    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'R0', errors, viewport: { width: 640, height: 900 } });
    await page.getByRole('gridcell', { name: 'R0', exact: true }).click();
    await page.keyboard.press('Control+End');
    const selected = page.locator('.grid__cell.is-selected');
    await expect.poll(() => selected.evaluate((cell) => cell.closest('.grid__row')!.getAttribute('aria-rowindex')), { timeout: 10_000 }).toBe(String(ROWS + 1));
    // The grid may draw the row again once the rows around it arrive, so the cell is measured
    // until it is in view rather than once.
    const placement = async () => {
      const grid = await page.locator('.grid').evaluate((element) => ({ left: element.getBoundingClientRect().left, right: element.getBoundingClientRect().left + element.clientWidth }));
      const cell = await selected.boundingBox();
      if (!cell) return 'not drawn';
      if (cell.x < grid.left) return 'left of the view';
      if (cell.x + cell.width > grid.right + 1) return 'right of the view';
      return 'in view';
    };
    await expect.poll(placement, { timeout: 10_000 }).toBe('in view');

    // The row's name stays at the left edge while the grid is scrolled to its last column.
    const gridLeft = await page.locator('.grid').evaluate((element) => element.getBoundingClientRect().left + element.clientLeft);
    const name = selected.locator('xpath=..').locator('.grid__cell[data-column="name"]');
    // The last rows may still be loading, with empty cells, when the selection is in view.
    await expect.poll(() => name.textContent(), { timeout: 10_000 }).not.toBe('');
    expect(Math.abs(gridLeft - (await name.boundingBox())!.x)).toBeLessThan(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-sideways.png') });

    // A column reached by moving left is shown beside the name column, not under it.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => selected.getAttribute('data-column'), { timeout: 5_000 }).toBe('latitude');
    const nameBox = (await name.boundingBox())!;
    await expect.poll(async () => (await selected.boundingBox())!.x - (nameBox.x + nameBox.width), { timeout: 5_000 }).toBeGreaterThan(-1);
    expect(errors).toEqual([]);
  }, 30_000);
  it('selects a far row picked on the map', async () => {
    // The only located row sits far below the rows the grid reads first.
    const target = await locateRow(70_000, [8.5, 47.4]);

    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'R0', errors });
    const reads: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === `/api/v1/datasets/${datasetId}/samples/window`) reads.push(url.searchParams.get('around') ?? `position ${url.searchParams.get('position')}`);
    });
    await page.locator('.samples-map').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('.samples-map').getAttribute('data-marker-count'), { timeout: 10_000 }).toBe('1');
    await expect.poll(async () => (await markerCentres(page)).length, { timeout: 10_000 }).toBe(1);
    const [point] = await markerCentres(page);
    await page.mouse.click(point!.x, point!.y);

    const selectedName = () =>
      page.locator('.grid__cell.is-selected').evaluate((cell) => cell.closest('.grid__row')!.querySelector('[data-column="name"]')!.textContent).catch(() => null);
    await expect.poll(selectedName, { timeout: 10_000 }).toBe(target.name);
    expect(reads[0]).toBe(target.id);
    const targetCell = await page.getByRole('gridcell', { name: target.name, exact: true }).boundingBox();
    const grid = await page.locator('.grid').boundingBox();
    expect(targetCell!.y).toBeGreaterThanOrEqual(grid!.y);
    expect(targetCell!.y + targetCell!.height).toBeLessThanOrEqual(grid!.y + grid!.height);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-map-pick-far-row.png') });
    expect(errors).toEqual([]);
  }, 30_000);

  it('moves a selection to a far row picked on the map', async () => {
    // The selected cell must not take the selection back while the rows around the pick are read.
    const target = await locateRow(85_000, [9.5, 46.4]);

    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'R0', errors });
    await page.getByRole('gridcell', { name: 'R1', exact: true }).click();
    await page.locator('.samples-map').scrollIntoViewIfNeeded();
    // The map draws every located row: this one and the earlier test's, when that ran.
    const pointsDrawn = async () => {
      const markerCount = Number(await page.locator('.samples-map').getAttribute('data-marker-count'));
      return markerCount > 0 && (await markerCentres(page)).length === markerCount;
    };
    await expect.poll(pointsDrawn, { timeout: 10_000 }).toBe(true);
    // The target lies east of every other located row, so its point is the last from west to east.
    const point = (await markerCentres(page)).at(-1)!;
    await page.mouse.click(point.x, point.y);

    const selectedName = () =>
      page.locator('.grid__cell.is-selected').evaluate((cell) => cell.closest('.grid__row')!.querySelector('[data-column="name"]')!.textContent).catch(() => null);
    await expect.poll(selectedName, { timeout: 10_000 }).toBe(target.name);
    const targetCell = await page.getByRole('gridcell', { name: target.name, exact: true }).boundingBox();
    const grid = await page.locator('.grid').boundingBox();
    expect(targetCell!.y).toBeGreaterThanOrEqual(grid!.y);
    expect(targetCell!.y + targetCell!.height).toBeLessThanOrEqual(grid!.y + grid!.height);
    expect(errors).toEqual([]);
  }, 30_000);
});
