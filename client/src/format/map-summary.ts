import { formatCount, plural } from './numbers.js';

export interface MapSummaryInput {
  sampleCount: number;
  locatedCount: number;
  /** Points drawn on the map so far. */
  drawn: number;
  /** True while more points are being fetched. */
  loading: boolean;
  /** The maximum number of points the map draws. */
  limit: number;
  /** Lines, polygons and multi-points drawn from geometry fields. */
  shapes?: number;
}

/**
 * Writes the line under the map: how many samples the dataset has, how many the map shows and
 * how many have no location, e.g. "344 samples, none located".
 */
export function summariseMap(input: MapSummaryInput): string {
  const shapes = input.shapes ?? 0;
  const points = summarisePoints(input);
  return shapes === 0 ? points : `${points}; ${plural(shapes, 'shape')} from geometry fields outlined in teal`;
}

function summarisePoints(input: MapSummaryInput): string {
  const { sampleCount, locatedCount, drawn, loading, limit } = input;
  if (sampleCount === 0) return 'No samples yet';

  const total = plural(sampleCount, 'sample');
  if (locatedCount === 0) return `${total}, none located`;

  const unlocated = Math.max(sampleCount - locatedCount, 0);
  const withoutLocation = unlocated > 0 ? `, ${formatCount(unlocated)} without a location` : '';
  if (drawn >= locatedCount) {
    return unlocated === 0 ? `${total}, all shown on the map` : `${total}: ${formatCount(drawn)} shown on the map${withoutLocation}`;
  }
  if (loading) return `${total}: ${formatCount(drawn)} of ${formatCount(locatedCount)} located shown so far${withoutLocation}`;
  if (drawn >= limit) {
    return `${total}: ${formatCount(drawn)} of ${formatCount(locatedCount)} located shown (the map draws at most ${formatCount(limit)} points)${withoutLocation}`;
  }
  return `${total}: ${formatCount(drawn)} of ${formatCount(locatedCount)} located shown${withoutLocation}`;
}
