import path from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../common/api/datasets.js';
import { TestClient } from '../helpers/api-server.js';
import { ensureClientBuilt, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { gridCell, openDatasetPage } from '../helpers/dataset-page.js';
import { uploadAndLoad } from '../helpers/imports.js';
import { createLiveDataset } from '../helpers/live-world.js';
import { markerCentres, toCoordinates, type PagePoint } from '../helpers/map-markers.js';
import { EAST, PIXEL_TOLERANCE, placeMapSamples, WEST } from '../helpers/map-samples.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

const SAM = { email: 'sam.viewer@example.org', password: 'sam-viewer-password', displayName: 'Sam Viewer' } as const;
/** The longitude R1 is moved to, 18 degrees east of the extent and far outside the view it opened with. */
const FAR_EAST_LON = 30;
/** Samples the import adds, far west of every other point. */
const IMPORTED = [
  { name: 'FAR-1', lon: -20, lat: 40 },
  { name: 'FAR-2', lon: -15, lat: 47 },
  { name: 'FAR-3', lon: -10, lat: 60 },
] as const;

/** The part of a page's global scope the tests use; the test files are typed without the DOM library. */
interface PerformanceScope {
  performance: { getEntriesByType(type: 'resource'): { name: string }[] };
}

describe('map points and view in two browsers', () => {
  let stack: Stack;
  let browser: Browser;
  let api: TestClient;
  let datasetId: string;
  let alice: Page;
  let sam: Page;
  /** Requests for GeoJSON pages of map points, per page. */
  const pointsRequests = new Map<Page, string[]>();
  const errors: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    stack = await startStack({ servers: 1, workers: 1 });
    api = await new TestClient(stack.url).signIn();
    const created = await createLiveDataset(stack.url, api.cookie, 5);
    datasetId = created.datasetId;
    // Sam has no role in the project and only reads the dataset, which is published and internal.
    expect((await api.post('/users', { ...SAM, role: 'member' })).status).toBe(201);
    await placeMapSamples(api, datasetId);

    browser = await launchChromium();
    ({ page: alice } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'R0', errors }));
    ({ page: sam } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: { email: SAM.email, password: SAM.password }, firstRow: 'R0', errors }));
    for (const page of [alice, sam]) {
      const requests: string[] = [];
      pointsRequests.set(page, requests);
      page.on('request', (request) => {
        if (request.method() === 'GET' && new URL(request.url()).pathname === `/api/v1/datasets/${datasetId}/samples`) requests.push(request.url());
      });
      // A selected row's point is drawn in blue, so select R2, which has no location.
      await gridCell(page, 'R2', 'name').click();
      await page.locator('.samples-map').scrollIntoViewIfNeeded();
      await page.locator('.samples-map[data-marker-count="3"]').waitFor({ timeout: 10_000 });
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Waits for the page to read the dataset again at `seq` or later. */
  function waitForDatasetRead(page: Page, seq: number): Promise<Response> {
    return page.waitForResponse(async (response) => {
      if (response.request().method() !== 'GET' || !response.url().endsWith(`/api/v1/datasets/${datasetId}`)) return false;
      return ((await response.json()) as Dataset).seq >= seq;
    });
  }

  async function datasetSeq(): Promise<number> {
    return ((await api.get(`/datasets/${datasetId}`)).body as Dataset).seq;
  }

  /** Alice types `text` into a cell, then selects R2 again, so her focus outlines none of Sam's points. */
  async function aliceTypes(row: string, column: string, text: string): Promise<void> {
    await gridCell(alice, row, column).click();
    await alice.keyboard.type(text);
    await alice.keyboard.press('Enter');
    await gridCell(alice, 'R2', 'name').click();
  }

  /** Returns whether a point lies inside the map's box, at least `margin` pixels from its edges. */
  async function isInsideMap(page: Page, at: PagePoint, margin = 4): Promise<boolean> {
    const box = (await page.locator('.samples-map').boundingBox())!;
    return at.x > box.x + margin && at.x < box.x + box.width - margin && at.y > box.y + margin && at.y < box.y + box.height - margin;
  }

  it('keeps map points across live edits', async () => {
    const seqBefore = await datasetSeq();
    for (const [index, row] of ['R0', 'R2', 'R3'].entries()) {
      const read = waitForDatasetRead(sam, seqBefore + index + 1);
      await aliceTypes(row, 'field:note', `note ${index}`);
      await read;
      await expect.poll(() => gridCell(sam, row, 'field:note').textContent(), { timeout: 10_000 }).toBe(`note ${index}`);
    }
    // A reload would start as soon as the page stores the refetched dataset, so half a second is ample.
    await sam.waitForTimeout(500);
    expect(pointsRequests.get(sam), "Sam's points requests after cell edits").toEqual([]);
    expect(pointsRequests.get(alice), "Alice's points requests after cell edits").toEqual([]);

    // A live location change still moves the point on Sam's map, without reading the points again.
    const [west, , east] = await markerCentres(sam);
    const frame = { west: { at: west!, ...WEST }, east: { at: east!, ...EAST } };
    const tolerance = (PIXEL_TOLERANCE * (EAST.lon - WEST.lon)) / (east!.x - west!.x);
    const read = waitForDatasetRead(sam, seqBefore + 4);
    await aliceTypes('R1', 'longitude', '11.5');
    await expect.poll(async () => Number(await gridCell(sam, 'R1', 'longitude').textContent()), { timeout: 10_000 }).toBe(11.5);
    await expect
      .poll(
        async () => {
          const [, moved] = await markerCentres(sam);
          return moved ? Math.abs(toCoordinates(moved, frame.west, frame.east).lon - 11.5) : Infinity;
        },
        { timeout: 10_000 },
      )
      .toBeLessThan(tolerance);
    await read;
    await sam.waitForTimeout(500);
    expect(pointsRequests.get(sam), "Sam's points requests after a location change").toEqual([]);
    expect(pointsRequests.get(alice), "Alice's points requests after a location change").toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it('Fit to samples button fits the view', async () => {
    const read = waitForDatasetRead(sam, (await datasetSeq()) + 1);
    await aliceTypes('R1', 'longitude', String(FAR_EAST_LON));
    await expect.poll(async () => Number(await gridCell(sam, 'R1', 'longitude').textContent()), { timeout: 10_000 }).toBe(FAR_EAST_LON);
    await read;
    // The view keeps its place after the extent grew, so R1 is now east of it and not drawn.
    await expect.poll(async () => (await markerCentres(sam)).length, { timeout: 10_000 }).toBe(2);

    const button = sam.getByRole('button', { name: 'Fit to samples' });
    await button.waitFor({ timeout: 5_000 });
    expect(await button.getAttribute('title')).toBe("Fit the map to the extent of the dataset's located samples");
    // The button follows the zoom buttons in the tab order.
    await sam.locator('.leaflet-control-zoom-out').focus();
    await sam.keyboard.press('Tab');
    expect(await button.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);

    await button.click();
    await expect.poll(async () => (await markerCentres(sam)).length, { timeout: 10_000 }).toBe(3);
    const [, east, moved] = await markerCentres(sam);
    for (const at of await markerCentres(sam)) expect(await isInsideMap(sam, at), `point at ${at.x}, ${at.y}`).toBe(true);
    // Points are sorted from west to east, so the third is R1 if it lies east of R4.
    expect(moved!.x - east!.x, 'pixels from R4 east to R1').toBeGreaterThan(100);
    // Zoomed in to a region, the map draws the detailed country outlines, loaded on demand.
    const loadedDetail = () =>
      sam.evaluate(() => (globalThis as unknown as PerformanceScope).performance.getEntriesByType('resource').some((entry) => entry.name.includes('countries-50m')));
    await expect.poll(loadedDetail, { timeout: 10_000 }).toBe(true);
    // Without focus, the screenshots show the button as it rests.
    await button.blur();
    await sam.screenshot({ path: path.join(SCREENSHOTS, 'map-fit-button.png') });
    await sam.locator('.samples-map').screenshot({ path: path.join(SCREENSHOTS, 'map-fit-button-map.png') });
    expect(errors).toEqual([]);
  }, 30_000);

  /** Returns the points' centres once two reads 100 ms apart agree, that is once the map stopped moving. */
  async function settledCentres(page: Page): Promise<PagePoint[]> {
    let previous = await markerCentres(page);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      await page.waitForTimeout(100);
      const current = await markerCentres(page);
      if (JSON.stringify(current) === JSON.stringify(previous)) return current;
      previous = current;
    }
    throw new Error('the map kept moving');
  }

  /**
   * Moves a page's map as a user would. It zooms out with the zoom button, which keeps every point
   * well inside the map. Then it drags the map by 30 pixels from a spot at least 40 pixels from
   * every point, so the drag moves no sample. Returns the points' centres after both.
   */
  async function moveMapByHand(page: Page): Promise<PagePoint[]> {
    await page.locator('.samples-map .leaflet-control-zoom-out').click();
    const zoomed = await settledCentres(page);
    const box = (await page.locator('.samples-map').boundingBox())!;
    const spots = [0.5, 0.35, 0.65].flatMap((fx) => [0.5, 0.7, 0.3].map((fy) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy })));
    const start = spots.find((spot) => zoomed.every((point) => Math.hypot(point.x - spot.x, point.y - spot.y) > 40))!;
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 30, start.y + 20, { steps: 6 });
    await page.mouse.up();
    const moved = await settledCentres(page);
    expect(moved.length).toBe(zoomed.length);
    // Leaflet's inertia carries a fast drag a little further. How far depends on the timing of the
    // moves, which varies with the machine's load.
    expect(Math.abs(moved[0]!.x - zoomed[0]!.x - 30), 'pixels the drag moved the map, less 30').toBeLessThan(12);
    return moved;
  }

  it('refits after an import unless the viewer moved the map', async () => {
    const requestsBefore = pointsRequests.get(sam)!.length;
    const panned = await moveMapByHand(alice);
    const aliceRead = waitForDatasetRead(alice, (await datasetSeq()) + 1);
    const csv = ['name,lat,lon', ...IMPORTED.map(({ name, lat, lon }) => `${name},${lat},${lon}`)].join('\n');
    const record = await uploadAndLoad(stack.url, api.cookie, datasetId, 'far-west.csv', `${csv}\n`);
    expect(record.state).toBe('completed');

    // Before the import the view spanned 10 to 30 degrees east, so the imported points show only after a refit.
    const expectedPoints = 3 + IMPORTED.length;
    await expect.poll(async () => (await markerCentres(sam)).length, { timeout: 15_000 }).toBe(expectedPoints);
    for (const at of await markerCentres(sam)) expect(await isInsideMap(sam, at), `point at ${at.x}, ${at.y}`).toBe(true);
    expect(pointsRequests.get(sam)!.length, 'points requests for the import').toBeGreaterThan(requestsBefore);

    // Alice moved her map, so it stays where she put it: her points are where they were.
    await aliceRead;
    const after = await settledCentres(alice);
    expect(after.length).toBe(panned.length);
    after.forEach((at, index) => {
      expect(Math.abs(at.x - panned[index]!.x), `x of point ${index}`).toBeLessThanOrEqual(PIXEL_TOLERANCE);
      expect(Math.abs(at.y - panned[index]!.y), `y of point ${index}`).toBeLessThanOrEqual(PIXEL_TOLERANCE);
    });
    expect(errors).toEqual([]);
  }, 90_000);
});
