import { apiRequest, type QueryValue } from './http.js';

/** One page of a cursor-paginated listing. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The API's maximum page size. */
export const MAX_PAGE_SIZE = 1000;

/**
 * Fetches every page of a listing, following `nextCursor`, and stops after `maxItems` so a huge
 * listing cannot hang the page.
 */
export async function fetchAllPages<T>(path: string, query: Record<string, QueryValue> = {}, maxItems = 10_000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await apiRequest<Page<T>>(path, { query: { ...query, limit: MAX_PAGE_SIZE, cursor } });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < maxItems);
  return items;
}
