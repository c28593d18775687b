import type { PolygonGeometry } from '../../../common/api/common.js';

/** South-west and north-east corners as Leaflet takes them: [[lat, lon], [lat, lon]]. */
export type LatLngBox = [[number, number], [number, number]];

/** Half the side of the box drawn around a single point, in degrees. */
const POINT_PADDING_DEGREES = 0.05;

/**
 * Computes the box to fit the map to from a dataset's spatial extent. A dataset with one
 * located sample has a zero-area extent, so it gets a small box around that point.
 */
export function extentToBox(extent: PolygonGeometry | null): LatLngBox | null {
  const positions = extent?.coordinates.flat() ?? [];
  if (positions.length === 0) return null;

  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of positions) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  if (![minLon, minLat, maxLon, maxLat].every(Number.isFinite)) return null;

  if (maxLon - minLon < POINT_PADDING_DEGREES) {
    minLon -= POINT_PADDING_DEGREES;
    maxLon += POINT_PADDING_DEGREES;
  }
  if (maxLat - minLat < POINT_PADDING_DEGREES) {
    minLat -= POINT_PADDING_DEGREES;
    maxLat += POINT_PADDING_DEGREES;
  }
  return [
    [Math.max(minLat, -90), Math.max(minLon, -180)],
    [Math.min(maxLat, 90), Math.min(maxLon, 180)],
  ];
}

/** The view of a dataset without located samples: the inhabited latitudes of the whole world. */
export const WORLD_BOX: LatLngBox = [
  [-58, -170],
  [78, 170],
];
