import type { CellHistoryEntry } from '../../../common/api/history.js';
import { apiRequest } from './http.js';

/** Reads the history of one cell of a sample, newest first. */
export async function fetchCellHistory(datasetId: string, sampleId: string, cell: string): Promise<CellHistoryEntry[]> {
  const response = await apiRequest<{ items: CellHistoryEntry[] }>(
    `/datasets/${encodeURIComponent(datasetId)}/samples/${encodeURIComponent(sampleId)}/history`,
    { query: { cell, limit: 50 } },
  );
  return response.items;
}
