import type { ColumnProfile } from './column-profile.js';
import type { ColumnTyping } from './column-types.js';
import type { EpochReading } from './import-plan.js';

/** A column with the facts role detection uses. */
export interface RoleCandidate {
  /** Field key derived from the header, such as `latitude` for "Latitude (°N)". */
  key: string;
  unit: string | null;
  profile: ColumnProfile;
  typing: ColumnTyping;
  /** False for synthetic columns (a GeoJSON geometry or third coordinate), which take no role. */
  eligible: boolean;
  /**
   * True when the dataset has a field with this key. Such a column keeps filling that field and
   * can take no role but latitude or longitude under an unambiguous header.
   */
  hasField: boolean;
}

/** The columns that fill the sample's own columns, by index into the candidates. */
export interface SampleRoles {
  name: number | null;
  latitude: number | null;
  longitude: number | null;
  /** True when the columns were found to hold each other's values and were exchanged. */
  swapped: boolean;
  /** True when the longitudes run from 0 to 360. */
  longitudes360: boolean;
  /** A WKT geometry column that gives the location when there are no coordinate columns. */
  geometry: number | null;
  collectedAt: ({ column: number } & EpochReading) | null;
  elevation: number | null;
}

// Header keys in order of preference, each base name also with a suffix such as `_dd` or `_wgs84`.
// A column under one of these headers is a coordinate whatever its values, and every value that is
// not a coordinate in range is reported. The ambiguous x and y are coordinates only when every
// value is in range, because they are just as often metres on a local grid; with a projected CRS
// chosen they, and easting and northing, are read in that CRS.
const COORDINATE_SUFFIXES = ['', '_dd', '_deg', '_degrees', '_decimal', '_dec', '_wgs84', '_wgs_84', '_dms', '_ddm'];
// German ("Breite", "Länge") and Spanish ("latitud", "longitud") headers follow the English ones.
const LATITUDE_KEYS = withSuffixes(['latitude', 'lat', 'decimallatitude', 'decimal_latitude', 'gps_latitude', 'gps_lat', 'breite', 'breitengrad', 'latitud']);
const LONGITUDE_KEYS = withSuffixes([
  'longitude', 'lon', 'lng', 'long', 'decimallongitude', 'decimal_longitude', 'gps_longitude', 'gps_lon', 'gps_lng', 'lange', 'laenge', 'langengrad', 'laengengrad', 'longitud',
]);
const LENGTH_UNITS: ReadonlySet<string> = new Set(['nm', 'µm', 'um', 'mm', 'cm', 'dm', 'm', 'km', 'in', 'ft', 'yd', 'mi']);
const AMBIGUOUS_LATITUDE_KEYS = ['y', 'ycoord', 'y_coord', 'coord_y', 'y_coordinate'];
const AMBIGUOUS_LONGITUDE_KEYS = ['x', 'xcoord', 'x_coord', 'coord_x', 'x_coordinate'];
const NORTHING_KEYS = ['northing', 'north', 'n', ...AMBIGUOUS_LATITUDE_KEYS];
const EASTING_KEYS = ['easting', 'east', 'e', ...AMBIGUOUS_LONGITUDE_KEYS];
const GEOMETRY_KEYS = ['geometry', 'geom', 'wkt', 'the_geom', 'shape', 'location', 'footprint'];
// German and Spanish words for sample follow, then station and site: a table without sample names usually names rows by where they were taken.
const NAME_KEYS = [
  'name', 'sample_name', 'samplename', 'sample', 'sample_id', 'sampleid', 'sample_code', 'specimen', 'specimen_id', 'title', 'label', 'id', 'identifier',
  'probe', 'muestra', 'station', 'station_id', 'station_name', 'site', 'site_id', 'site_name',
];
// German and Spanish words for date and time follow the English ones.
const TIME_KEYS = [
  'collected_at', 'collected_on', 'collection_date', 'collection_time', 'collected', 'sampling_date', 'sampling_time', 'sample_date', 'date_sampled', 'sampled_at',
  'sampled_on', 'sampled', 'event_date', 'eventdate',
  'observed_at', 'observation_date', 'datetime', 'date_time', 'timestamp', 'date', 'time', 'datum', 'zeitpunkt', 'zeit', 'fecha',
  'unix_time', 'unixtime', 'unix_timestamp', 'epoch_time', 'epoch',
];
const ELEVATION_KEYS = ['elevation', 'altitude', 'elev', 'alt', 'elevation_m', 'altitude_m', 'elev_m', 'alt_m'];
const METRES = new Set(['m', 'metre', 'metres', 'meter', 'meters', 'm a.s.l.', 'm asl', 'masl']);

/**
 * Finds the columns that become the sample's location, name, collection time and elevation.
 * Each column takes at most one role, and the others become fields. `projected` is true when the
 * coordinates are in a projected CRS, so easting and northing are the coordinate columns.
 */
export function detectSampleRoles(candidates: readonly RoleCandidate[], projected = false): SampleRoles {
  const used = new Set<number>();
  const take = (index: number | null): number | null => {
    if (index !== null) used.add(index);
    return index;
  };

  const location = projected ? detectProjected(candidates) : detectCoordinates(candidates);
  take(location?.latitude ?? null);
  take(location?.longitude ?? null);
  const geometry = location ? null : take(findByKeys(candidates, GEOMETRY_KEYS, used, (column) => isFree(column) && column.typing.type === 'geometry'));

  const name = take(findByKeys(candidates, NAME_KEYS, used, isFree));
  const collectedAt = detectCollectedAt(candidates, used);
  if (collectedAt) used.add(collectedAt.column);
  const elevation = take(findByKeys(candidates, ELEVATION_KEYS, used, (column) => isFree(column) && isNumeric(column) && isMetres(column.unit)));

  return {
    name,
    latitude: location?.latitude ?? null,
    longitude: location?.longitude ?? null,
    swapped: location?.swapped ?? false,
    longitudes360: location?.longitudes360 ?? false,
    geometry,
    collectedAt,
    elevation,
  };
}

interface CoordinatePair {
  latitude: number;
  longitude: number;
  swapped: boolean;
  longitudes360: boolean;
}

function detectCoordinates(candidates: readonly RoleCandidate[]): CoordinatePair | null {
  const none = new Set<number>();
  // "Breite (mm)" and "Länge (cm)" are a width and a length: a unit of length rules out a coordinate.
  const named = (column: RoleCandidate) => column.eligible && (column.unit === null || !LENGTH_UNITS.has(column.unit.toLowerCase()));
  let latitude =
    findByKeys(candidates, LATITUDE_KEYS, none, named) ??
    findByLetters(candidates, 'latitude') ??
    findByKeyStart(candidates, 'latitude_', (column) => named(column) && isNumeric(column) && column.profile.outsideLatitude === 0) ??
    findByKeys(candidates, AMBIGUOUS_LATITUDE_KEYS, none, (column) => isCleanFree(column) && column.profile.outsideLatitude === 0);
  let longitude =
    findByKeys(candidates, LONGITUDE_KEYS, none, named) ??
    findByLetters(candidates, 'longitude') ??
    findByKeyStart(candidates, 'longitude_', (column) => named(column) && isNumeric(column) && column.profile.outsideLongitude === 0) ??
    findByKeys(candidates, AMBIGUOUS_LONGITUDE_KEYS, none, (column) => isCleanFree(column) && column.profile.outsideLongitude === 0);
  if (latitude === null || longitude === null || latitude === longitude) return null;

  const swapped = looksSwapped(candidates[latitude]!.profile, candidates[longitude]!.profile);
  if (swapped) [latitude, longitude] = [longitude, latitude];
  const lon = candidates[longitude]!.profile;
  // As with swaps, a single longitude above 180 is a typo rather than a convention.
  const longitudes360 = lon.above180 >= 3 && lon.above180 >= lon.present * 0.05 && lon.negative === 0 && lon.outsideLongitude === lon.above180;
  return { latitude, longitude, swapped, longitudes360 };
}

function detectProjected(candidates: readonly RoleCandidate[]): CoordinatePair | null {
  const none = new Set<number>();
  const numeric = (column: RoleCandidate) => column.eligible && isNumeric(column);
  const northing = findByKeys(candidates, [...NORTHING_KEYS, ...LATITUDE_KEYS], none, numeric);
  const easting = findByKeys(candidates, [...EASTING_KEYS, ...LONGITUDE_KEYS], none, numeric);
  if (northing === null || easting === null || northing === easting) return null;
  return { latitude: northing, longitude: easting, swapped: false, longitudes360: false };
}

/**
 * Tells whether a latitude column and a longitude column hold each other's values: the
 * "latitude" has several values beyond ±90 that a longitude can have (at least 3 and 5 %), while
 * every "longitude" would be a valid latitude. Headers are swapped in files more often than one
 * would hope.
 */
function looksSwapped(latitude: ColumnProfile, longitude: ColumnProfile): boolean {
  if (latitude.latitudeLetters > 0 || longitude.longitudeLetters > 0) return false;
  // One or two latitudes beyond ±90 are typos; a swap shows in many values.
  const beyond = latitude.outsideLatitude;
  if (beyond < 3 || beyond < latitude.present * 0.05) return false;
  return latitude.outsideLongitude === 0 && longitude.outsideLatitude === 0 && longitude.present > 0;
}

// A column whose values carry N or S is a latitude, and E or W a longitude, whatever its header.
function findByLetters(candidates: readonly RoleCandidate[], axis: 'latitude' | 'longitude'): number | null {
  const index = candidates.findIndex((column) => {
    if (!column.eligible || column.hasField) return false;
    const letters = axis === 'latitude' ? column.profile.latitudeLetters : column.profile.longitudeLetters;
    return letters > 0 && letters >= column.profile.present * 0.5;
  });
  return index >= 0 ? index : null;
}

function detectCollectedAt(candidates: readonly RoleCandidate[], used: ReadonlySet<number>): SampleRoles['collectedAt'] {
  const isTime = (column: RoleCandidate) => column.typing.type === 'date' || column.typing.type === 'datetime';

  const column = findByKeys(candidates, TIME_KEYS, used, (candidate) => isFree(candidate) && (isTime(candidate) || epochReadingOf(candidate) !== null));
  if (column === null) return null;
  return { column, ...(epochReadingOf(candidates[column]!) ?? { epochMs: false }) };
}

/**
 * Tells how a column of whole numbers reads as times since 1970: in seconds when every value lies
 * in the plausible range for seconds, in milliseconds when every value lies in that for
 * milliseconds. Returns null for any other column.
 */
export function epochReadingOf(column: Pick<RoleCandidate, 'profile' | 'typing'>): EpochReading | null {
  const { profile } = column;
  if (column.typing.type !== 'integer' || profile.present === 0) return null;
  if (profile.epochSeconds === profile.present) return { epochMs: false, epochSeconds: true };
  return profile.epochMs === profile.present ? { epochMs: true } : null;
}

/** Finds the first column whose key starts with a word, as "latitude_wgs84_decimal_degrees" does, that the test accepts. */
function findByKeyStart(candidates: readonly RoleCandidate[], start: string, accepts: (column: RoleCandidate) => boolean): number | null {
  const index = candidates.findIndex((column) => column.key.startsWith(start) && accepts(column));
  return index >= 0 ? index : null;
}

function findByKeys(
  candidates: readonly RoleCandidate[],
  keys: readonly string[],
  used: ReadonlySet<number>,
  accepts: (column: RoleCandidate) => boolean,
): number | null {
  for (const key of keys) {
    const index = candidates.findIndex((column, position) => column.key === key && !used.has(position));
    if (index >= 0 && accepts(candidates[index]!)) return index;
  }
  return null;
}

// A column that may take any role: neither synthetic nor bound to an existing field.
function isFree(column: RoleCandidate): boolean {
  return column.eligible && !column.hasField;
}

function withSuffixes(bases: readonly string[]): string[] {
  return bases.flatMap((base) => COORDINATE_SUFFIXES.map((suffix) => base + suffix));
}

function isNumeric(column: RoleCandidate): boolean {
  return (column.typing.type === 'number' || column.typing.type === 'integer') && column.profile.qualified === 0;
}

function isCleanFree(column: RoleCandidate): boolean {
  return isFree(column) && isNumeric(column) && column.typing.invalid === 0;
}

function isMetres(unit: string | null): boolean {
  return unit === null || METRES.has(unit.toLowerCase());
}
