import type { CellValue } from './api/samples.js';
import { isGeometry } from './cell-values.js';

/** A position as GeoJSON writes it: longitude, then latitude. */
type Position = [number, number];

/** A sample's location: a GeoJSON point, or none. */
export interface PointLocation {
  type: 'Point';
  coordinates: Position;
}

/** Degrees within which a location counts as lying on a line or a polygon's edge. */
const ON_SHAPE_DEGREES = 1e-9;

/**
 * Returns where a sample should be located after a geometry cell changed from `before` to
 * `after`, or undefined when its location stays. A sample located on its old shape (as an import
 * locates lines and polygons) or not located at all moves to a point on the new shape. A sample
 * located elsewhere keeps its location, because someone placed it there, and so does a sample
 * already on the new shape, which may be a spot chosen inside a plot. A cell cleared or set to
 * something that is not a geometry leaves the location alone.
 */
export function shapeLocation(location: PointLocation | null, before: CellValue | undefined, after: CellValue | undefined): PointLocation | undefined {
  if (!isGeometry(after)) return undefined;
  const target = pointOnShape(after);
  if (target === null) return undefined;

  const derived = location === null || (isGeometry(before) && liesOnShape(location.coordinates, before));
  if (!derived) return undefined;
  if (location !== null && liesOnShape(location.coordinates, after)) return undefined;
  return { type: 'Point', coordinates: target };
}

/**
 * Returns a position on a geometry: a point inside the largest polygon, the middle vertex of the
 * longest line, or the first point. An import places samples with PostGIS's ST_PointOnSurface
 * instead, which may pick another position on the same shape. Returns null for a geometry without
 * positions.
 */
export function pointOnShape(geometry: { type: string; coordinates: unknown[] }): Position | null {
  switch (geometry.type) {
    case 'Point':
      return positionOf(geometry.coordinates);
    case 'MultiPoint':
      return positionOf(geometry.coordinates[0]);
    case 'LineString':
      return middleVertex(geometry.coordinates as Position[]);
    case 'MultiLineString':
      return middleVertex(longest(geometry.coordinates as Position[][], (line) => line.length) ?? []);
    case 'Polygon':
      return interiorPoint(geometry.coordinates as Position[][]);
    case 'MultiPolygon':
      return interiorPoint(longest(geometry.coordinates as Position[][][], (polygon) => Math.abs(ringArea(polygon[0] ?? []))) ?? []);
    default:
      return null;
  }
}

/** Tells whether a position lies on a geometry: inside or on the edge of a polygon, on a line, or at a point. */
export function liesOnShape(position: Position, geometry: { type: string; coordinates: unknown[] }): boolean {
  switch (geometry.type) {
    case 'Point':
      return samePosition(position, geometry.coordinates as Position);
    case 'MultiPoint':
      return (geometry.coordinates as Position[]).some((point) => samePosition(position, point));
    case 'LineString':
      return onLine(position, geometry.coordinates as Position[]);
    case 'MultiLineString':
      return (geometry.coordinates as Position[][]).some((line) => onLine(position, line));
    case 'Polygon':
      return inPolygon(position, geometry.coordinates as Position[][]);
    case 'MultiPolygon':
      return (geometry.coordinates as Position[][][]).some((polygon) => inPolygon(position, polygon));
    default:
      return false;
  }
}

function positionOf(value: unknown): Position | null {
  if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'number') return null;
  return [value[0], value[1]];
}

function middleVertex(line: Position[]): Position | null {
  return line.length === 0 ? null : positionOf(line[Math.floor(line.length / 2)]);
}

function longest<T>(parts: T[], size: (part: T) => number): T | undefined {
  let best: T | undefined;
  let bestSize = -1;
  for (const part of parts) {
    const partSize = size(part);
    if (partSize > bestSize) [best, bestSize] = [part, partSize];
  }
  return best;
}

/**
 * Finds a point inside a polygon with holes: on the horizontal line halfway up its box, moved off
 * every vertex's latitude, the middle of the widest stretch that lies inside (even-odd rule over
 * the outer ring and the holes).
 */
function interiorPoint(rings: Position[][]): Position | null {
  const outer = rings[0] ?? [];
  if (outer.length === 0) return null;
  const y = scanLatitude(outer);
  const crossings = rings.flatMap((ring) => ringCrossings(ring, y)).sort((a, b) => a - b);

  let best: Position | null = null;
  let width = -1;
  for (let index = 0; index + 1 < crossings.length; index += 2) {
    const [west, east] = [crossings[index]!, crossings[index + 1]!];
    if (east - west > width) [best, width] = [[(west + east) / 2, y], east - west];
  }
  return best ?? positionOf(outer[0]);
}

/** Returns a latitude through the middle of a ring that passes through none of its vertices. */
function scanLatitude(ring: Position[]): number {
  const latitudes = ring.map((position) => position[1]);
  // A loop rather than Math.min(...latitudes), whose arguments overflow the stack for long rings.
  let [south, north] = [Infinity, -Infinity];
  for (const latitude of latitudes) [south, north] = [Math.min(south, latitude), Math.max(north, latitude)];
  const middle = (south + north) / 2;
  let below = -Infinity;
  let above = Infinity;
  for (const latitude of latitudes) {
    if (latitude <= middle && latitude > below) below = latitude;
    if (latitude > middle && latitude < above) above = latitude;
  }
  return Number.isFinite(below) && Number.isFinite(above) ? (below + above) / 2 : middle;
}

/** Returns the longitudes at which a ring's edges cross a latitude. */
function ringCrossings(ring: Position[], y: number): number[] {
  const crossings: number[] = [];
  for (let index = 0; index + 1 < ring.length; index += 1) {
    const [[x1, y1], [x2, y2]] = [ring[index]!, ring[index + 1]!];
    if (y1 > y === y2 > y) continue;
    crossings.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
  }
  return crossings;
}

function inPolygon(position: Position, rings: Position[][]): boolean {
  if (rings.some((ring) => onLine(position, ring))) return true;
  const [x, y] = position;
  // Even-odd rule: a position inside the outer ring and outside every hole crosses an odd number of edges.
  const crossings = rings.flatMap((ring) => ringCrossings(ring, y)).filter((crossing) => crossing > x);
  return crossings.length % 2 === 1;
}

function onLine(position: Position, line: Position[]): boolean {
  if (line.length === 1) return samePosition(position, line[0]!);
  for (let index = 0; index + 1 < line.length; index += 1) {
    if (segmentDistance(position, line[index]!, line[index + 1]!) <= ON_SHAPE_DEGREES) return true;
  }
  return false;
}

function segmentDistance([x, y]: Position, [x1, y1]: Position, [x2, y2]: Position): number {
  const [dx, dy] = [x2 - x1, y2 - y1];
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / lengthSquared));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

/** Twice the signed area of a ring (shoelace formula); only its size is compared. */
function ringArea(ring: Position[]): number {
  let area = 0;
  for (let index = 0; index + 1 < ring.length; index += 1) {
    const [[x1, y1], [x2, y2]] = [ring[index]!, ring[index + 1]!];
    area += x1 * y2 - x2 * y1;
  }
  return area;
}

function samePosition(a: Position, b: Position): boolean {
  return Math.abs(a[0] - b[0]) <= ON_SHAPE_DEGREES && Math.abs(a[1] - b[1]) <= ON_SHAPE_DEGREES;
}
