import type { Feature, FeatureCollection, Point } from 'geojson';
import type { Sample, SampleWindow } from '../../../common/api/samples.js';
import { apiRequest } from './http.js';

/** The properties of a sample feature: the sample without its id and location. */
export type SampleProperties = Omit<Sample, 'id' | 'location'>;

/** One page of samples as GeoJSON; unlocated samples have a null geometry. */
export interface SampleFeaturePage extends FeatureCollection<Point | null, SampleProperties> {
  features: (Feature<Point | null, SampleProperties> & { id: string })[];
  nextCursor: string | null;
}

/** The whole world as a `bbox` value; it keeps only samples that have a location. */
export const WORLD_BBOX = '-180,-90,180,90';

/** Fetches up to `limit` consecutive samples from a position in row order, with the seq and row count they were read at. */
export function fetchSampleWindow(datasetId: string, position: number, limit: number, signal?: AbortSignal): Promise<SampleWindow> {
  return apiRequest<SampleWindow>(`/datasets/${encodeURIComponent(datasetId)}/samples/window`, {
    query: { position, limit },
    ...(signal ? { signal } : {}),
  });
}

/** Fetches up to `limit` consecutive samples around one sample, wherever it is in row order, with the position of the first. */
export function fetchSampleWindowAround(datasetId: string, sampleId: string, limit: number, signal?: AbortSignal): Promise<SampleWindow> {
  return apiRequest<SampleWindow>(`/datasets/${encodeURIComponent(datasetId)}/samples/window`, {
    query: { around: sampleId, limit },
    ...(signal ? { signal } : {}),
  });
}

/** Fetches one page of a dataset's samples as GeoJSON, optionally only those inside `bbox`. */
export function fetchSampleFeaturePage(
  datasetId: string,
  options: { limit: number; cursor: string | null; bbox?: string; signal?: AbortSignal },
): Promise<SampleFeaturePage> {
  return apiRequest<SampleFeaturePage>(`/datasets/${encodeURIComponent(datasetId)}/samples`, {
    query: { limit: options.limit, cursor: options.cursor, bbox: options.bbox },
    accept: 'application/geo+json',
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
