import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/api-server.js';
import { ensureClientBuilt, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { openDatasetPage } from '../helpers/dataset-page.js';
import { uploadAndLoad } from '../helpers/imports.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

// A phone held upright: narrower than any table of the dataset and project pages.
const NARROW = { width: 420, height: 900 };

/** The parts of the DOM that overflow() reads, since the tests compile without the DOM types. */
interface PageElement {
  tagName: string;
  classList: Iterable<string>;
  getBoundingClientRect(): { right: number };
  parentElement: { closest(selector: string): unknown } | null;
}
interface PageRoot {
  scrollWidth: number;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

/** Returns the page's scroll width and the first elements outside the viewport, leaving out the insides of scrolling boxes. */
function overflow(page: Page): Promise<{ scrollWidth: number; outside: string[] }> {
  return page.locator('html').evaluate((element, viewport) => {
    const root = element as unknown as PageRoot;
    const outside = [...root.querySelectorAll('body *')]
      .filter((item) => item.getBoundingClientRect().right > viewport + 1 && !item.parentElement?.closest('.table-scroll, .leaflet-container, [role="grid"]'))
      .slice(0, 5)
      .map((item) => `${item.tagName.toLowerCase()}.${[...item.classList].join('.')} right=${Math.round(item.getBoundingClientRect().right)}`);
    return { scrollWidth: root.scrollWidth, outside };
  }, NARROW.width);
}

describe('pages on a narrow screen', () => {
  let stack: Stack;
  let browser: Browser;
  let api: TestClient;
  let projectId: string;
  let datasetId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    stack = await startStack({ servers: 1, workers: 1 });
    api = await new TestClient(stack.url).signIn();
    const project = await api.post('/projects', { title: 'Lakes of the Alps, a long project title for a narrow screen' });
    projectId = (project.body as { id: string }).id;
    const dataset = await api.post(`/projects/${projectId}/datasets`, { title: 'Lake cores' });
    datasetId = (dataset.body as { id: string }).id;
    const csv = 'name,lat,lon,depth_m\nGeneva-with-a-long-sample-name,46.45,6.55,310\nConstance,47.63,9.37,251\n';
    const loaded = await uploadAndLoad(stack.url, api.cookie, datasetId, 'lake-cores-of-the-alpine-survey-2024.csv', csv);
    expect(loaded.state).toBe('completed');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('keeps the dataset page inside the screen', async () => {
    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'Constance', errors, viewport: NARROW });
    await page.locator('table.imports').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'narrow-dataset.png'), fullPage: true });
    expect(await overflow(page)).toEqual({ scrollWidth: NARROW.width, outside: [] });
  });

  it('keeps the project page inside the screen', async () => {
    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'Constance', errors, viewport: NARROW });
    await page.goto(`${stack.url}/projects/${projectId}`);
    await page.locator('table.members').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'narrow-project.png'), fullPage: true });
    expect(await overflow(page)).toEqual({ scrollWidth: NARROW.width, outside: [] });
    expect(errors).toEqual([]);
  });
});
