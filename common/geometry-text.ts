import type { CellValue } from './api/samples.js';
import { isGeometry } from './cell-values.js';
import { plural } from './counts.js';

/**
 * Formats a latitude or longitude in decimal degrees to at most six decimals (about 0.1 m),
 * dropping trailing zeros.
 */
export function formatCoordinate(degrees: number | undefined): string {
  if (degrees === undefined || !Number.isFinite(degrees)) return '';
  return String(Number(degrees.toFixed(6)));
}

/**
 * Describes a geometry cell in a few words for the table and the import review: a point by its coordinates, any other
 * shape by its type, parts and vertices ("Polygon, 5 vertices", "MultiLineString, 2 parts,
 * 14 vertices"). The GeoJSON itself is what an editor or a copy of the cell gets.
 */
export function geometryText(value: CellValue | undefined): string {
  if (!isGeometry(value)) return '';
  if (value.type === 'Point') return pointText(value.coordinates);

  const parts = value.type.startsWith('Multi') ? value.coordinates.length : 1;
  const vertices = countPositions(value.coordinates);
  const partText = parts === 1 ? '' : `, ${plural(parts, 'part')}`;
  return `${value.type}${partText}, ${plural(vertices, 'vertex', 'vertices')}`;
}

/** "Point 52.1, 4.3": latitude first, as the table's own coordinate columns read. */
function pointText(coordinates: unknown[]): string {
  const [lon, lat] = coordinates;
  if (typeof lon !== 'number' || typeof lat !== 'number') return 'Point';
  return `Point ${formatCoordinate(lat)}, ${formatCoordinate(lon)}`;
}

/** Counts the positions (innermost arrays of numbers) in GeoJSON coordinates of any depth. */
function countPositions(coordinates: unknown): number {
  if (!Array.isArray(coordinates)) return 0;
  if (coordinates.length > 0 && typeof coordinates[0] === 'number') return 1;
  let count = 0;
  for (const child of coordinates) count += countPositions(child);
  return count;
}
