import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt, launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { insertBulkRows } from '../helpers/bulk-rows.js';
import { ChangeGate } from '../helpers/change-gate.js';
import { gridCell, openDatasetPage } from '../helpers/dataset-page.js';
import { createLiveDataset } from '../helpers/live-world.js';
import { ADMIN, startStack, type Stack } from '../helpers/stack.js';

const LONG_ROWS = 100_000;
/** Rows of the short table, fewer than a paste of `PASTED_LINES` lines starting at row 1 needs. */
const SHORT_ROWS = 1_200;
const PASTED_LINES = 1_000;
/** Height of a grid row in CSS pixels, as SamplesTable sets it. */
const ROW_HEIGHT = 32;
const DEPTH_COLUMN = 'field:depth_m';

/** The part of a page's global scope the tests use; the test files are typed without the DOM library. */
interface PageWithClipboard {
  navigator: { clipboard: { writeText(text: string): Promise<void> } };
}

describe('pasting a column into rows the grid has not loaded', () => {
  let stack: Stack;
  let browser: Browser;
  let longDatasetId: string;
  let shortDatasetId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    stack = await startStack({ servers: 1, workers: 0 });
    const cookie = await stack.signIn();
    ({ datasetId: longDatasetId } = await createLiveDataset(stack.url, cookie, 0));
    await insertBulkRows(stack.database.url, longDatasetId, LONG_ROWS);
    ({ datasetId: shortDatasetId } = await createLiveDataset(stack.url, cookie, 0));
    await insertBulkRows(stack.database.url, shortDatasetId, SHORT_ROWS);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Returns the name and `depth_m` of the rows at positions `first` to `first + count - 1`, as the database has them. */
  async function storedRows(datasetId: string, first: number, count: number): Promise<{ name: string; depth: number | null }[]> {
    const client = new pg.Client({ connectionString: stack.database.url });
    await client.connect();
    try {
      const result = await client.query<{ name: string; depth: number | null }>(
        `SELECT name, (values->>'depth_m')::float8 AS depth FROM samples WHERE dataset_id = $1 ORDER BY ord OFFSET $2 LIMIT $3`,
        [datasetId, first, count],
      );
      return result.rows;
    } finally {
      await client.end();
    }
  }

  /** Opens a dataset page whose context may read and write the clipboard, and selects row 1's depth cell. */
  async function openAtRowOne(datasetId: string): Promise<Page> {
    const prepare = (context: BrowserContext) => context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId, credentials: ADMIN, firstRow: 'R0', errors, prepare });
    await gridCell(page, 'R1', DEPTH_COLUMN).click();
    return page;
  }

  /** Puts `text` on the clipboard and pastes it into the selected cell with Ctrl+V, as from a spreadsheet. */
  async function paste(page: Page, text: string): Promise<void> {
    await page.evaluate((data) => (globalThis as unknown as PageWithClipboard).navigator.clipboard.writeText(data), text);
    await page.keyboard.press('Control+V');
  }

  /** Returns the text of the elements `selector` matches, without waiting for one to appear. */
  const textsOf = async (page: Page, selector: string) => (await page.locator(selector).allTextContents()).join(' ');
  const depthAt = (page: Page, index: number) => page.locator(`.grid__row[aria-rowindex="${index + 2}"] .grid__cell[data-column="${DEPTH_COLUMN}"]`).textContent();
  const pastedLines = (count: number, base: number) => Array.from({ length: count }, (_, line) => String(base + line)).join('\n');

  it('changes every row a long paste covers', async () => {
    const page = await openAtRowOne(longDatasetId);
    // Slow reads of rows make the paste's loading state visible.
    await page.route('**/samples/window?**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });

    const statusShown = page
      .locator('#samples-caption [role="status"]', { hasText: 'loading the rows to paste' })
      .waitFor({ timeout: 5_000 })
      .then(() => true, () => false);
    await paste(page, pastedLines(PASTED_LINES, 500_000));
    await expect.poll(async () => (await storedRows(longDatasetId, 1, PASTED_LINES)).filter((row, line) => row.depth === 500_000 + line).length, { timeout: 20_000 }).toBe(PASTED_LINES);

    expect(await statusShown).toBe(true);
    const [above] = await storedRows(longDatasetId, 0, 1);
    expect(above).toEqual({ name: 'R0', depth: 0 });
    const [below] = await storedRows(longDatasetId, PASTED_LINES + 1, 1);
    expect(below).toEqual({ name: `R${PASTED_LINES + 1}`, depth: PASTED_LINES + 1 });

    await page.locator('.grid').evaluate((grid, top) => grid.scrollTo({ top }), (PASTED_LINES - 5) * ROW_HEIGHT);
    await expect.poll(() => depthAt(page, PASTED_LINES), { timeout: 10_000 }).toBe(String(500_000 + PASTED_LINES - 1));
    await expect.poll(() => depthAt(page, PASTED_LINES + 1), { timeout: 10_000 }).toBe(String(PASTED_LINES + 1));
    expect(await page.locator('.grid-problem').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-paste-long-column.png') });
    expect(errors).toEqual([]);
  }, 60_000);

  it('rejects a paste over the edit limits whole', async () => {
    const page = await openAtRowOne(longDatasetId);
    const before = await storedRows(longDatasetId, 0, 2_600);

    await paste(page, pastedLines(2_500, 900_000));
    await expect.poll(() => textsOf(page, '.grid-problem'), { timeout: 20_000 }).toContain('Paste at most 2,000 lines at a time.');
    expect(await textsOf(page, '.grid-problem')).toContain('Nothing was pasted because this paste of 2,500 lines needs 2,500 operations');
    expect(await storedRows(longDatasetId, 0, 2_600)).toEqual(before);
    expect(errors).toEqual([]);
  }, 60_000);

  it('adds rows for lines beyond the last row', async () => {
    const page = await openAtRowOne(shortDatasetId);
    const lines = SHORT_ROWS - 1 + 50;

    await paste(page, pastedLines(lines, 700_000));
    await expect.poll(() => page.locator('[data-row-count]').getAttribute('data-row-count'), { timeout: 20_000 }).toBe(String(SHORT_ROWS + 50));
    await expect.poll(async () => (await storedRows(shortDatasetId, 1, lines)).filter((row, line) => row.depth === 700_000 + line).length, { timeout: 20_000 }).toBe(lines);

    const added = await storedRows(shortDatasetId, SHORT_ROWS, 50);
    expect(added.map((row) => row.name)).toEqual(Array.from({ length: 50 }, () => ''));
    const [lastExisting] = await storedRows(shortDatasetId, SHORT_ROWS - 1, 1);
    expect(lastExisting!.name).toBe(`R${SHORT_ROWS - 1}`);
    expect(await page.locator('.grid-problem').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('commits an editor scrolled out of view', async () => {
    const page = await openAtRowOne(longDatasetId);
    // A first edit committed with Enter, which moves the selection to row 2.
    await page.keyboard.type('71');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await storedRows(longDatasetId, 1, 1))[0]!.depth, { timeout: 10_000 }).toBe(71);

    // A second editor, left open while the grid scrolls far down, takes its row out of the page.
    await page.keyboard.type('72');
    await page.locator('.grid').evaluate((grid, top) => grid.scrollTo({ top }), 5_000 * ROW_HEIGHT);
    await expect.poll(async () => (await storedRows(longDatasetId, 2, 1))[0]!.depth, { timeout: 10_000 }).toBe(72);
    expect(await page.getByRole('textbox', { name: 'Cell value' }).count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('pastes below own deletes the server has not confirmed', async () => {
    let gate: ChangeGate | undefined;
    const prepare = async (context: BrowserContext) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      gate = await ChangeGate.install(context);
    };
    const { page } = await openDatasetPage(browser, { baseUrl: stack.url, datasetId: shortDatasetId, credentials: ADMIN, firstRow: 'R0', errors, prepare });
    for (let waited = 0; !gate!.isWebSocket; waited += 50) {
      if (waited > 10_000) throw new Error('the Socket.IO client did not move to the websocket within 10 s');
      await page.waitForTimeout(50);
    }

    // Holding the page's edit requests keeps its own deletes unconfirmed, so rows shown below
    // them sit 3 positions above their committed ones while the paste reads the rows it covers.
    gate!.hold({ edits: true });
    for (const name of ['R1', 'R2', 'R3']) {
      await gridCell(page, name, 'name').click();
      await page.getByRole('button', { name: 'Delete row' }).click();
      await expect.poll(() => gridCell(page, name, 'name').count(), { timeout: 5_000 }).toBe(0);
    }
    await gridCell(page, 'R4', DEPTH_COLUMN).click();
    const lines = 400;
    await paste(page, pastedLines(lines, 800_000));
    // The paste is the fourth edit held.
    await expect.poll(() => gate!.heldEditCount, { timeout: 10_000 }).toBe(4);
    expect(await textsOf(page, '.grid-problem')).toBe('');
    gate!.release();

    const expected = Array.from({ length: lines }, (_, line) => ({ name: `R${line + 4}`, depth: 800_000 + line }));
    await expect.poll(() => storedRows(shortDatasetId, 1, lines), { timeout: 20_000 }).toEqual(expected);
    expect(errors).toEqual([]);
  }, 60_000);
});
