import type { ImportRecord } from '../../../common/api/imports.js';
import { apiRequest } from './http.js';
import type { Page } from './page.js';

/** Returns a dataset's newest imports, newest first. */
export async function fetchRecentImports(datasetId: string, limit = 20): Promise<ImportRecord[]> {
  const page = await apiRequest<Page<ImportRecord>>(`/datasets/${encodeURIComponent(datasetId)}/imports`, { query: { limit } });
  return page.items;
}

export function fetchImport(importId: string): Promise<ImportRecord> {
  return apiRequest<ImportRecord>(`/imports/${encodeURIComponent(importId)}`);
}
