import type { Dataset, DatasetCreate, DatasetUpdate } from '../../../common/api/datasets.js';
import type { Field } from '../../../common/api/fields.js';
import { apiRequest } from './http.js';
import { fetchAllPages } from './page.js';

/** Returns the datasets the visitor may read, of one project or of all, oldest first. */
export function fetchDatasets(projectId?: string): Promise<Dataset[]> {
  return fetchAllPages<Dataset>('/datasets', { projectId });
}

export function fetchDataset(datasetId: string): Promise<Dataset> {
  return apiRequest<Dataset>(`/datasets/${encodeURIComponent(datasetId)}`);
}

export function createDataset(projectId: string, body: DatasetCreate): Promise<Dataset> {
  return apiRequest<Dataset>(`/projects/${encodeURIComponent(projectId)}/datasets`, { method: 'POST', body });
}

/** Returns a dataset's fields (its typed columns) in column order. */
export async function fetchFields(datasetId: string): Promise<Field[]> {
  const response = await apiRequest<{ items: Field[] }>(`/datasets/${encodeURIComponent(datasetId)}/fields`);
  return response.items;
}

/** Changes a dataset; access properties need the publish permission. */
export function updateDataset(datasetId: string, body: DatasetUpdate): Promise<Dataset> {
  return apiRequest<Dataset>(`/datasets/${encodeURIComponent(datasetId)}`, { method: 'PATCH', body });
}
