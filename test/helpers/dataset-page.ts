import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

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
  },
): Promise<DatasetPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 1100 } });
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
  await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
  await expect.poll(() => page.getByRole('gridcell', { name: options.firstRow, exact: true }).count(), { timeout: 10_000 }).toBe(1);
  return { context, page };
}

/** Locates the grid cell of a column in the row whose name cell reads `rowName`. */
export function gridCell(page: Page, rowName: string, column: string) {
  return page.locator(`.grid__row:has(.grid__cell[data-column="name"]:text-is("${rowName}")) .grid__cell[data-column="${column}"]`);
}
