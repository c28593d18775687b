import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import proj4 from 'proj4';

/** EPSG code of WGS 84 longitude and latitude, the CRS samples are stored in. */
export const WGS84 = 4326;

/** Converts one x, y position (easting and northing, or longitude and latitude) to WGS 84 longitude and latitude. */
export type PositionTransform = (x: number, y: number) => [number, number];

/** Raised when an EPSG code is unknown or names no coordinate reference system proj4 can use. */
export class UnknownCrsError extends Error {
  override name = 'UnknownCrsError';
}

const require = createRequire(import.meta.url);
// The EPSG definitions come from the npm package epsg-index (one JSON file per code), so nothing
// is fetched at run time.
const EPSG_DIRECTORY = path.join(path.dirname(require.resolve('epsg-index/all.json')), 's');
const transforms = new Map<number, PositionTransform>();

/** Returns the transform from an EPSG CRS to WGS 84, reading its definition once. */
export function transformFromEpsg(code: number): PositionTransform {
  const known = transforms.get(code);
  if (known) return known;

  const transform = code === WGS84 ? (x: number, y: number): [number, number] => [x, y] : buildTransform(code);
  transforms.set(code, transform);
  return transform;
}

/** Tells whether proj4 can transform from an EPSG code, without throwing. */
export function isKnownCrs(code: number): boolean {
  return crsProblem(code) === null;
}

/** Returns why proj4 cannot transform from an EPSG code, as a sentence without its full stop, or null when it can. */
export function crsProblem(code: number): string | null {
  try {
    transformFromEpsg(code);
    return null;
  } catch (error) {
    if (error instanceof UnknownCrsError) return error.message;
    throw error;
  }
}

/**
 * Reads an EPSG code from the ways files name a CRS: "EPSG:2056", "urn:ogc:def:crs:EPSG::2056",
 * "http://www.opengis.net/def/crs/EPSG/0/2056", or CRS84 (which is WGS 84 in longitude, latitude order).
 */
export function epsgCodeOf(name: string): number | null {
  const trimmed = name.trim();
  if (/CRS:?84$/i.test(trimmed)) return WGS84;
  const match = /EPSG(?::+|\/\d+\/|\s*)(\d{4,6})$/i.exec(trimmed);
  return match ? Number(match[1]) : null;
}

function buildTransform(code: number): PositionTransform {
  if (!Number.isInteger(code) || code < 1024 || code > 999_999) throw new UnknownCrsError(`EPSG:${code} is not a valid EPSG code`);
  let definition: { proj4?: string; kind?: string };
  try {
    definition = JSON.parse(readFileSync(path.join(EPSG_DIRECTORY, `${code}.json`), 'utf8')) as typeof definition;
  } catch {
    throw new UnknownCrsError(`EPSG:${code} is not in the EPSG register the portal ships`);
  }
  if (!definition.proj4 || !definition.kind?.startsWith('CRS')) throw new UnknownCrsError(`EPSG:${code} is not a coordinate reference system proj4 can use`);
  const grid = missingGrid(definition.proj4);
  if (grid !== null) {
    throw new UnknownCrsError(`EPSG:${code} needs the datum shift grid "${grid}", which the portal does not ship, so its coordinates cannot be transformed to WGS 84`);
  }

  const converter = proj4(definition.proj4, 'EPSG:4326');
  return (x, y) => {
    const [longitude, latitude] = converter.forward([x, y]);
    return [longitude!, latitude!];
  };
}

/**
 * Returns the grid file without which a proj4 definition transforms no position, or null. proj4
 * tries the `+nadgrids` list in order: a name with an "@" before it is optional and skipped when
 * absent, and "null" applies no shift. An absent grid without "@", or a list with no grid that
 * applies, makes every position NaN. The portal loads no grid files, so any named grid is absent.
 */
function missingGrid(definition: string): string | null {
  const names = /\+nadgrids=(\S+)/.exec(definition)?.[1]?.split(',').filter((name) => name !== '') ?? [];
  for (const name of names) {
    if (name === 'null' || name === '@null') return null;
    if (!name.startsWith('@')) return name;
  }
  return names[0]?.slice(1) ?? null;
}

/** Transforms every position of a GeoJSON geometry in place. */
export function transformGeometry(geometry: { type: string; coordinates?: unknown }, transform: PositionTransform): void {
  if (geometry.coordinates !== undefined) geometry.coordinates = transformNested(geometry.coordinates, transform);
}

function transformNested(value: unknown, transform: PositionTransform): unknown {
  if (!Array.isArray(value)) return value;
  if (typeof value[0] === 'number' && typeof value[1] === 'number') {
    const [longitude, latitude] = transform(value[0], value[1]);
    return [longitude, latitude, ...value.slice(2)];
  }
  return value.map((item) => transformNested(item, transform));
}
