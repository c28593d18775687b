import { expect } from 'vitest';
import type { Sample } from '../../common/api/samples.js';
import type { TestClient } from './api-server.js';
import { fetchWindow } from './live-client.js';

/** R0 and R4 span the map when the page opens, and R1 lies between them. */
export const WEST = { lon: 10, lat: 50 };
export const MIDDLE = { lon: 11, lat: 51 };
export const EAST = { lon: 12, lat: 52 };

/** Pixels a measured point may be off: the mouse moves in whole pixels and points are found by colour. */
export const PIXEL_TOLERANCE = 3;

/**
 * Places R0, R1 and R4 of a dataset made by createLiveDataset at WEST, MIDDLE and EAST, and
 * returns the dataset's first rows by name.
 */
export async function placeMapSamples(api: TestClient, datasetId: string): Promise<Map<string, Sample>> {
  const rows = new Map((await fetchWindow(api.baseUrl, api.cookie, datasetId, 0, 10)).items.map((sample) => [sample.name, sample]));
  for (const [name, { lon, lat }] of [['R0', WEST], ['R1', MIDDLE], ['R4', EAST]] as const) {
    const location = { type: 'Point', coordinates: [lon, lat] };
    expect((await api.patch(`/samples/${rows.get(name)!.id}`, { location })).status).toBe(200);
  }
  return rows;
}
