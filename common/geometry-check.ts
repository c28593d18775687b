/** The result of checking a GeoJSON geometry. */
export interface GeometryCheck {
  /** The reason the geometry cannot be stored, or null when it can. */
  problem: string | null;
  /** True for a valid geometry without coordinates, which gives the sample no location. */
  empty: boolean;
}

// Nesting depth of each type's positions: 0 is a position, 1 a list of positions, and so on.
const POSITION_DEPTH: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

/**
 * Tells whether a value is shaped as a GeoJSON geometry, an object whose `type` names one, as
 * opposed to any other object a GeoJSON property can hold. checkGeometry then checks it in full.
 */
export function looksLikeGeometry(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && (type in POSITION_DEPTH || type === 'GeometryCollection');
}

/**
 * Checks a GeoJSON geometry (RFC 7946) before it reaches PostGIS, so a bad feature becomes an issue
 * with its feature number instead of a database error that aborts the whole load.
 */
export function checkGeometry(value: unknown): GeometryCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('the geometry is not an object');
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type === 'GeometryCollection') return fail('GeometryCollection geometries are not supported; split them into features');
  if (typeof type !== 'string' || !(type in POSITION_DEPTH)) return fail(`"${String(type)}" is not a GeoJSON geometry type`);
  if (!Array.isArray(coordinates)) return fail(`the ${type} has no coordinates array`);

  const depth = POSITION_DEPTH[type]!;
  if (depth > 0 && coordinates.length === 0) return { problem: null, empty: true };
  const problem = checkNesting(coordinates, depth, type);
  return { problem, empty: false };
}

/** Returns why a position is not a WGS 84 longitude and latitude, or null when it is one. */
export function positionProblem(position: unknown): string | null {
  if (!Array.isArray(position) || position.length < 2) return 'a position needs a longitude and a latitude';
  const [longitude, latitude] = position as unknown[];
  if (typeof longitude !== 'number' || typeof latitude !== 'number' || !Number.isFinite(longitude) || !Number.isFinite(latitude)) {
    return 'coordinates must be numbers';
  }
  if (longitude < -180 || longitude > 180) return `longitude ${longitude} is outside -180 to 180`;
  if (latitude < -90 || latitude > 90) return `latitude ${latitude} is outside -90 to 90`;
  return null;
}

function checkNesting(coordinates: unknown, depth: number, type: string): string | null {
  if (depth === 0) return positionProblem(coordinates);
  if (!Array.isArray(coordinates)) return `the ${type} coordinates are not nested arrays`;

  if (depth === 1 && (type === 'LineString' || type === 'MultiLineString') && coordinates.length < 2) {
    return 'a line needs at least 2 positions';
  }
  if (depth === 1 && (type === 'Polygon' || type === 'MultiPolygon')) {
    const ringProblem = checkRing(coordinates);
    if (ringProblem) return ringProblem;
  }
  for (const part of coordinates) {
    const problem = checkNesting(part, depth - 1, type);
    if (problem) return problem;
  }
  return null;
}

function checkRing(ring: unknown[]): string | null {
  if (ring.length < 4) return 'a polygon ring needs at least 4 positions';
  const first = ring[0] as unknown[];
  const last = ring[ring.length - 1] as unknown[];
  if (!Array.isArray(first) || !Array.isArray(last) || first[0] !== last[0] || first[1] !== last[1]) {
    return 'a polygon ring must end at its first position';
  }
  return null;
}

function fail(problem: string): GeometryCheck {
  return { problem, empty: false };
}
