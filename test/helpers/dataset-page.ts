import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface DatasetPage {
  context: BrowserContext;
  page: Page;
}

/**
 * Opens a new browser context, signs in and opens a dataset's page, waiting until its live
 * connection is up and `firstRow` (a sample name) shows in the grid. Console errors and uncaught
 * exceptions of the page go to `errors`.
 */
export async function openDatasetPage(
  browser: Browser,
  options: {
    baseUrl: string;
    datasetId: string;
    credentials: { email: string; password: string };
    firstRow: string;
    errors: string[];
    viewport?: { width: number; height: number };
    /** Runs on the new context before the page opens, e.g. to route its websocket. */
    prepare?: (context: BrowserContext) => Promise<void>;
  },
): Promise<DatasetPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 1100 } });
  await options.prepare?.(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') options.errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => options.errors.push(`uncaught: ${error.message}`));

  await page.goto(`${options.baseUrl}/sign-in?next=/datasets/${options.datasetId}`);
  await page.getByLabel('Email address').fill(options.credentials.email);
  await page.getByLabel('Password').fill(options.credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${options.baseUrl}/datasets/${options.datasetId}`);
  // Waits with locators rather than expect.poll, so the helper also works in beforeAll.
  await page.locator('.connection[data-state="live"]').waitFor({ timeout: 10_000 });
  await page.getByRole('gridcell', { name: options.firstRow, exact: true }).waitFor({ timeout: 10_000 });
  return { context, page };
}

/** Locates the grid cell of a column in the row whose name cell reads `rowName`. */
export function gridCell(page: Page, rowName: string, column: string) {
  return page.locator(`.grid__row:has(.grid__cell[data-column="name"]:text-is("${rowName}")) .grid__cell[data-column="${column}"]`);
}
