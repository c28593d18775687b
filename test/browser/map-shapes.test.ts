import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../common/api/samples.js';
import { TestClient } from '../helpers/api-server.js';
import { ensureClientBuilt, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { gridCell, openDatasetPage } from '../helpers/dataset-page.js';
import { uploadAndLoad } from '../helpers/imports.js';
import { markerCentres, type CanvasElement, type PagePoint } from '../helpers/map-markers.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

// A point, a plot and a transect as a GeoJSON import gives them: a polygon large enough to click
// beside its point, a line reaching far beyond the points, and a sample without a geometry.
const SHAPES = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', id: 'pt-1', properties: { site: 'Harbour' }, geometry: { type: 'Point', coordinates: [4.3, 52.1] } },
    { type: 'Feature', id: 'poly-1', properties: { site: 'Plot' }, geometry: { type: 'Polygon', coordinates: [[[0, 40], [20, 40], [20, 50], [0, 50], [0, 40]]] } },
    { type: 'Feature', id: 'line-1', properties: { site: 'Transect' }, geometry: { type: 'LineString', coordinates: [[-70, 35], [10, 30], [80, 35]] } },
    { type: 'Feature', id: 'none-1', properties: { site: 'Lab' }, geometry: null },
  ],
});

/**
 * Returns the page points of the map canvas's pixels in a colour: the shapes' teal outline
 * (#0f766e), the selected shape's blue (#1f5f8b) or the teal fill, which is mostly transparent.
 */
function shapePixels(page: Page, kind: 'outline' | 'selected' | 'fill'): Promise<PagePoint[]> {
  return page.locator('.samples-map .leaflet-overlay-pane canvas').evaluate((element, wanted) => {
    const canvas = element as unknown as CanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const box = canvas.getBoundingClientRect();
    const scale = box.width / canvas.width;
    const found: { x: number; y: number }[] = [];
    for (let y = 0; y < canvas.height; y += 1) {
      for (let x = 0; x < canvas.width; x += 1) {
        const at = (y * canvas.width + x) * 4;
        const [r, g, b, a] = [pixels[at]!, pixels[at + 1]!, pixels[at + 2]!, pixels[at + 3]!];
        const near = (red: number, green: number, blue: number) => Math.abs(r - red) < 24 && Math.abs(g - green) < 24 && Math.abs(b - blue) < 24;
        const match =
          wanted === 'outline' ? a > 200 && near(15, 118, 110) : wanted === 'selected' ? a > 200 && near(31, 95, 139) : a > 20 && a < 90 && g > r + 60;
        if (match) found.push({ x: box.left + x * scale, y: box.top + y * scale });
      }
    }
    return found;
  }, kind);
}

describe('lines and polygons of geometry fields', () => {
  let stack: Stack;
  let browser: Browser;
  let api: TestClient;
  let page: Page;
  let datasetId: string;
  let ids: Map<string, string>;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    stack = await startStack({ servers: 1, workers: 1 });
    api = await new TestClient(stack.url).signIn();
    const project = await api.post('/projects', { title: 'Transects and plots' });
    const dataset = await api.post(`/projects/${(project.body as { id: string }).id}/datasets`, { title: 'Shapes' });
    datasetId = (dataset.body as { id: string }).id;
    const loaded = await uploadAndLoad(stack.url, api.cookie, datasetId, 'shapes.geojson', SHAPES);
    expect(loaded.state).toBe('completed');
    const samples = (await api.get(`/datasets/${datasetId}/samples?limit=10`)).body as { items: Sample[] };
    ids = new Map(samples.items.map((sample) => [sample.name, sample.id]));

    browser = await launchChromium();
    ({ page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'pt-1', errors }));
    await page.locator('.samples-map').scrollIntoViewIfNeeded();
  }, 120_000);

  /** Types GeoJSON into a row's geometry cell, as a user does: the first key opens the editor. */
  async function typeShape(rowName: string, json: string): Promise<void> {
    await gridCell(page, rowName, 'field:geometry').click();
    await page.keyboard.type(json[0]!);
    await page.keyboard.insertText(json.slice(1));
    await page.keyboard.press('Enter');
  }

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('describes each shape in the table and keeps its GeoJSON for the editor', async () => {
    await expect.poll(() => gridCell(page, 'poly-1', 'field:geometry').textContent(), { timeout: 10_000 }).toBe('Polygon, 5 vertices');
    expect(await gridCell(page, 'line-1', 'field:geometry').textContent()).toBe('LineString, 3 vertices');
    expect(await gridCell(page, 'pt-1', 'field:geometry').textContent()).toBe('');
    expect(await gridCell(page, 'none-1', 'field:geometry').textContent()).toBe('');

    await gridCell(page, 'line-1', 'field:geometry').dblclick();
    const editor = page.locator('.grid__input');
    expect(JSON.parse(await editor.inputValue())).toEqual({ type: 'LineString', coordinates: [[-70, 35], [10, 30], [80, 35]] });
    await page.keyboard.press('Escape');
    // A selected sample's point turns blue, so none-1, which has no location, is selected again.
    await gridCell(page, 'none-1', 'name').click();
    expect(errors).toEqual([]);
  }, 30_000);

  it('draws shapes and names a clicked one', async () => {
    await page.locator('.samples-map[data-shape-count="2"]').waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await shapePixels(page, 'outline')).length, { timeout: 10_000 }).toBeGreaterThan(20);
    // The points are drawn over their shapes: every located sample, pt-1, poly-1 and line-1, keeps its orange point.
    await expect.poll(async () => (await markerCentres(page)).length, { timeout: 10_000 }).toBe(3);
    expect(await page.locator('.map-summary').textContent()).toContain('2 shapes from geometry fields outlined in teal');

    // The view takes in the shapes, which reach beyond the points that locate their samples.
    await page.locator('.samples-map').scrollIntoViewIfNeeded();
    const box = (await page.locator('.samples-map').boundingBox())!;
    const outside = async () =>
      (await shapePixels(page, 'outline')).filter((pixel) => pixel.x < box.x || pixel.x > box.x + box.width || pixel.y < box.y || pixel.y > box.y + box.height).length;
    await expect.poll(outside, { timeout: 10_000 }).toBe(0);

    // Inside the polygon, away from its point, a click selects poly-1 and names it.
    const points = await markerCentres(page);
    const inside = (await shapePixels(page, 'fill')).find(
      (pixel) =>
        pixel.x > box.x + 60 &&
        pixel.x < box.x + box.width - 10 &&
        pixel.y > box.y + 10 &&
        pixel.y < box.y + box.height - 30 &&
        points.every((point) => Math.hypot(point.x - pixel.x, point.y - pixel.y) > 14),
    );
    expect(inside, 'a pixel of the polygon fill away from the points and the map controls').toBeDefined();
    await page.mouse.click(inside!.x, inside!.y);
    const popup = page.locator('.leaflet-popup-content');
    await expect.poll(() => popup.textContent(), { timeout: 5_000 }).toBe('poly-1geometry: Polygon, 5 vertices');
    await expect.poll(async () => (await shapePixels(page, 'selected')).length, { timeout: 5_000 }).toBeGreaterThan(20);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'map-shapes.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);

  it('redraws a shape when its cell changes live', async () => {
    const line = ids.get('line-1')!;
    const cleared = await api.patch(`/samples/${line}`, { values: { geometry: null } });
    expect(cleared.status).toBe(200);
    await page.locator('.samples-map[data-shape-count="1"]').waitFor({ timeout: 10_000 });
    expect(await gridCell(page, 'line-1', 'field:geometry').textContent()).toBe('');

    const plot = { type: 'MultiPolygon', coordinates: [[[[1, 1], [3, 1], [3, 3], [1, 1]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] };
    expect((await api.patch(`/samples/${line}`, { values: { geometry: plot } })).status).toBe(200);
    await page.locator('.samples-map[data-shape-count="2"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => gridCell(page, 'line-1', 'field:geometry').textContent(), { timeout: 10_000 }).toBe('MultiPolygon, 2 parts, 8 vertices');
    expect(errors).toEqual([]);
  }, 30_000);

  it('draws a shape with a foreign features member', async () => {
    // RFC 7946 allows foreign members, but Leaflet reads any "features" array as features to draw.
    const line = ids.get('line-1')!;
    const transect = { type: 'LineString', coordinates: [[-10, 35], [10, 30]], features: [null] };
    expect((await api.patch(`/samples/${line}`, { values: { geometry: transect } })).status).toBe(200);
    await expect.poll(() => gridCell(page, 'line-1', 'field:geometry').textContent(), { timeout: 10_000 }).toBe('LineString, 2 vertices');
    expect(await page.locator('.samples-map').getAttribute('data-shape-count')).toBe('2');

    await page.reload();
    await page.locator('.samples-map[data-shape-count="2"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.map-figure [role="alert"]').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 30_000);

  it('rejects a malformed shape typed into a cell', async () => {
    const unclosed = { type: 'Polygon', coordinates: [[[0, 40], [20, 40]]] };
    const rejected = await api.patch(`/samples/${ids.get('poly-1')!}`, { values: { geometry: unclosed } });
    expect(rejected.status).toBe(400);

    await typeShape('poly-1', '{"type":"Polygon","coordinates":[[["x","y"]]]}');
    await expect
      .poll(() => page.locator('.grid-problem').textContent(), { timeout: 5_000 })
      .toBe('Not saved in row "poly-1": geometry: expected a GeoJSON geometry object, but a polygon ring needs at least 4 positions.');
    expect(await gridCell(page, 'poly-1', 'field:geometry').textContent()).toBe('Polygon, 5 vertices');
    await page.locator('.samples-map[data-shape-count="2"]').waitFor({ timeout: 5_000 });
    expect(errors).toEqual([]);
  }, 30_000);

  it('moves the point of a sample whose shape is typed anew', async () => {
    await typeShape('poly-1', '{"type":"Polygon","coordinates":[[[30,10],[40,10],[40,20],[30,20],[30,10]]]}');
    await expect.poll(() => gridCell(page, 'poly-1', 'latitude').textContent(), { timeout: 10_000 }).toBe('15');
    expect(await gridCell(page, 'poly-1', 'longitude').textContent()).toBe('35');
    const stored = (await api.get(`/samples/${ids.get('poly-1')!}`)).body as Sample;
    expect(stored.location).toEqual({ type: 'Point', coordinates: [35, 15] });
    expect(errors).toEqual([]);
  }, 30_000);

  it('names the sample of a shape drawn by a live change', async () => {
    // none-1 has neither a location nor a shape: the typed plot gives it both.
    await typeShape('none-1', '{"type":"Polygon","coordinates":[[[-60,-50],[-20,-50],[-20,-10],[-60,-10],[-60,-50]]]}');
    await expect.poll(() => gridCell(page, 'none-1', 'longitude').textContent(), { timeout: 10_000 }).toBe('-40');
    await page.getByRole('button', { name: 'Fit to samples' }).click();
    await page.locator('.samples-map').scrollIntoViewIfNeeded();

    // The plot is the westernmost polygon, so the westernmost fill with fill all around it is its
    // own; a line's faint edge pixels have none.
    const box = (await page.locator('.samples-map').boundingBox())!;
    const interior = async () => {
      const fill = (await shapePixels(page, 'fill')).filter((pixel) => pixel.x > box.x + 60 && pixel.y > box.y + 10 && pixel.y < box.y + box.height - 30);
      const at = new Set(fill.map((pixel) => `${Math.round(pixel.x)},${Math.round(pixel.y)}`));
      const filled = (x: number, y: number) => at.has(`${Math.round(x)},${Math.round(y)}`);
      return fill.filter((pixel) => [[-6, 0], [6, 0], [0, -6], [0, 6]].every(([dx, dy]) => filled(pixel.x + dx!, pixel.y + dy!)));
    };
    await expect.poll(async () => (await interior()).length, { timeout: 10_000 }).toBeGreaterThan(100);
    const west = (await interior()).reduce((best, pixel) => (pixel.x < best.x ? pixel : best));
    await page.mouse.click(west.x, west.y);
    await expect.poll(() => page.locator('.leaflet-popup-content').textContent(), { timeout: 5_000 }).toBe('none-1geometry: Polygon, 5 vertices');
    expect(errors).toEqual([]);
  }, 30_000);
});
