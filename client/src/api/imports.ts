import type { ImportMappingUpdate, ImportRecord, InvalidRowPolicy } from '../../../common/api/imports.js';
import { apiRequest, apiUrl } from './http.js';
import type { Page } from './page.js';

/** Returns a dataset's newest imports, newest first. */
export async function fetchRecentImports(datasetId: string, limit = 20): Promise<ImportRecord[]> {
  const page = await apiRequest<Page<ImportRecord>>(`/datasets/${encodeURIComponent(datasetId)}/imports`, { query: { limit } });
  return page.items;
}

export function fetchImport(importId: string): Promise<ImportRecord> {
  return apiRequest<ImportRecord>(`/imports/${encodeURIComponent(importId)}`);
}

/** Sends changes to an import's proposed mapping; the server analyses the file again with them. */
export function updateImportMapping(importId: string, update: ImportMappingUpdate): Promise<ImportRecord> {
  return apiRequest<ImportRecord>(`/imports/${encodeURIComponent(importId)}/mapping`, { method: 'PATCH', body: update });
}

/** Starts loading a reviewed import; `skip` leaves invalid rows out. */
export function startImport(importId: string, invalidRows: InvalidRowPolicy): Promise<ImportRecord> {
  return apiRequest<ImportRecord>(`/imports/${encodeURIComponent(importId)}/start`, { method: 'POST', body: { invalidRows } });
}

/** Cancels an import that has not finished. */
export function cancelImport(importId: string): Promise<ImportRecord> {
  return apiRequest<ImportRecord>(`/imports/${encodeURIComponent(importId)}/cancel`, { method: 'POST' });
}

/** Address of the CSV of every invalid value of an import. */
export function importIssuesUrl(importId: string): string {
  return apiUrl(`/imports/${encodeURIComponent(importId)}/issues.csv`);
}
