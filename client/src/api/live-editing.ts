import type { CellHistoryEntry } from '../../../common/api/history.js';
import type { Sample } from '../../../common/api/samples.js';
import { apiRequest } from './http.js';

/** Reads some samples again by id; deleted ones are left out. */
export async function lookupSamples(datasetId: string, ids: string[], signal?: AbortSignal): Promise<Sample[]> {
  const response = await apiRequest<{ items: Sample[] }>(`/datasets/${encodeURIComponent(datasetId)}/samples/lookup`, {
    method: 'POST',
    body: { ids },
    ...(signal ? { signal } : {}),
  });
  return response.items;
}

/** Reads the history of one cell of a sample, newest first. */
export async function fetchCellHistory(datasetId: string, sampleId: string, cell: string): Promise<CellHistoryEntry[]> {
  const response = await apiRequest<{ items: CellHistoryEntry[] }>(
    `/datasets/${encodeURIComponent(datasetId)}/samples/${encodeURIComponent(sampleId)}/history`,
    { query: { cell, limit: 50 } },
  );
  return response.items;
}
