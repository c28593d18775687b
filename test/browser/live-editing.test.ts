import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/processes.js';
import { createLiveDataset } from '../helpers/live-world.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';
import { ensureClientBuilt } from '../helpers/browser.js';
import { openDatasetPage } from '../helpers/dataset-page.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test', 'browser', '__screenshots__');
const SECOND = { email: 'second@example.org', password: 'second-password', name: 'Sam Second' } as const;

describe('live co-editing in two browsers', () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    stack = await startStack({ servers: 2, workers: 0 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function openAs(credentials: { email: string; password: string }, baseUrl: string, datasetId: string): Promise<Page> {
    const { context, page } = await openDatasetPage(browser, { baseUrl, datasetId, credentials, firstRow: 'R0', errors: consoleErrors });
    contexts.push(context);
    return page;
  }

  /** Asserts that the cell lies inside the grid's visible area and does not overlap the history panel. */
  async function expectOutsidePanel(page: Page, target: Locator): Promise<void> {
    // Wait two frames so a sideways scroll that follows the panel's layout has run.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    const cellBox = await target.boundingBox();
    const panelBox = await page.locator('.history-panel').boundingBox();
    const gridBox = await page.locator('.grid').boundingBox();
    expect(cellBox, 'selected cell box').not.toBeNull();
    expect(panelBox, 'history panel box').not.toBeNull();
    expect(gridBox, 'grid box').not.toBeNull();
    const overlaps = cellBox!.x < panelBox!.x + panelBox!.width && panelBox!.x < cellBox!.x + cellBox!.width && cellBox!.y < panelBox!.y + panelBox!.height && panelBox!.y < cellBox!.y + cellBox!.height;
    expect(overlaps, `cell ${JSON.stringify(cellBox)} overlaps panel ${JSON.stringify(panelBox)}`).toBe(false);
    expect(cellBox!.x + cellBox!.width, 'cell right edge within the grid').toBeLessThanOrEqual(gridBox!.x + gridBox!.width);
  }

  const cell = (page: Page, row: string, column: string) => page.locator(`.grid__row:has(.grid__cell[data-column="name"]:text-is("${row}")) .grid__cell[data-column="${column}"]`);

  it('shows an edit made in one browser in the other, with presence', async () => {
    const cookie = await stack.signIn();
    const created = await fetch(`${stack.url}/api/v1/users`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ email: SECOND.email, displayName: SECOND.name, password: SECOND.password }),
    });
    expect(created.status).toBe(201);
    const { datasetId, projectId } = await createLiveDataset(stack.url, cookie, 5);
    await fetch(`${stack.url}/api/v1/projects/${projectId}`, { headers: { cookie } });

    // Each browser talks to another server node.
    const alice = await openAs(ADMIN, stack.urls[0]!, datasetId);
    const sam = await openAs(SECOND, stack.urls[1]!, datasetId);

    await expect.poll(() => alice.locator('.presence__avatar').getAttribute('data-viewer'), { timeout: 10_000 }).toBe(SECOND.name);
    await expect.poll(() => sam.locator('.presence__avatar').getAttribute('data-viewer'), { timeout: 10_000 }).toBe('Portal Admin');
    // The second user may read the internal dataset but not edit it.
    expect(await sam.getByRole('button', { name: 'Add row' }).count()).toBe(0);

    await cell(alice, 'R2', 'field:note').click();
    await alice.keyboard.type('cracked core');
    await alice.keyboard.press('Enter');
    await expect.poll(() => cell(sam, 'R2', 'field:note').textContent(), { timeout: 10_000 }).toBe('cracked core');
    expect(await cell(alice, 'R2', 'field:note').textContent()).toBe('cracked core');

    await cell(alice, 'R3', 'field:depth_m').click();
    await alice.keyboard.type('12.5 m');
    await alice.keyboard.press('Tab');
    await expect.poll(() => cell(sam, 'R3', 'field:depth_m').textContent(), { timeout: 10_000 }).toBe('12.5');

    // Alice's focus shows as a coloured outline on Sam's screen.
    await expect.poll(() => sam.locator('.grid__cell.is-focused-by-other').getAttribute('data-column'), { timeout: 10_000 }).toBe('field:note');

    // A value of the wrong type is refused in place, and nothing is sent. The message lies over the
    // caption: the rows keep their place under the pointer.
    const gridTop = async () => (await alice.locator('.grid').boundingBox())!.y;
    const topBefore = await gridTop();
    await cell(alice, 'R1', 'field:count').click();
    await alice.keyboard.type('many');
    await alice.keyboard.press('Enter');
    await expect.poll(() => alice.locator('.grid-problem').textContent()).toContain('Not saved in row "R1": Count: expected a whole number');
    expect(await gridTop()).toBe(topBefore);
    await alice.screenshot({ path: path.join(SCREENSHOTS, 'live-editing-value-refused.png') });
    await alice.getByRole('button', { name: 'Dismiss the message' }).click();
    expect(await alice.locator('.grid-problem').count()).toBe(0);

    // Undo restores the previous value everywhere.
    await alice.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => cell(sam, 'R3', 'field:depth_m').textContent(), { timeout: 10_000 }).toBe('3');

    await cell(alice, 'R2', 'field:note').click();
    await alice.getByRole('button', { name: 'History' }).click();
    await expect.poll(() => alice.locator('.history-list li').first().textContent()).toContain('(empty) → cracked core');
    // Times read as elsewhere in the portal, to the second: "2026-12-05 06:18:16".
    expect(await alice.locator('.history-list li time').first().textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await expectOutsidePanel(alice, cell(alice, 'R2', 'field:note'));

    // Open the panel on the right-most column, which the narrowed grid would otherwise hide.
    await alice.getByRole('button', { name: 'History' }).click();
    await cell(alice, 'R2', 'field:count').click();
    await alice.getByRole('button', { name: 'History' }).click();
    await expect.poll(() => alice.locator('.history-panel h3').textContent()).toContain('Count');
    await expectOutsidePanel(alice, cell(alice, 'R2', 'field:count'));

    mkdirSync(SCREENSHOTS, { recursive: true });
    await alice.screenshot({ path: path.join(SCREENSHOTS, 'live-editing-editor.png'), fullPage: true });
    await sam.screenshot({ path: path.join(SCREENSHOTS, 'live-editing-viewer.png'), fullPage: true });

    await contexts[1]!.close();
    await expect.poll(() => alice.locator('.presence__avatar').count(), { timeout: 10_000 }).toBe(0);
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
