import type { ColumnProfile } from './column-profile.js';
import type { ColumnTyping } from './column-types.js';

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
  collectedAt: { column: number; epochMs: boolean } | null;
  elevation: number | null;
}

// Header keys in order of preference, each base name also with a suffix such as `_dd` or `_wgs84`.
// A column under one of these headers is a coordinate whatever its values, and every value that is
// not a decimal-degree number in range is reported. The ambiguous x and y are coordinates only when
// every value is in range, because they are just as often metres on a local grid.
const COORDINATE_SUFFIXES = ['', '_dd', '_deg', '_degrees', '_decimal', '_dec', '_wgs84', '_wgs_84'];
const LATITUDE_KEYS = withSuffixes(['latitude', 'lat', 'decimallatitude', 'decimal_latitude', 'gps_latitude', 'gps_lat']);
const LONGITUDE_KEYS = withSuffixes(['longitude', 'lon', 'lng', 'long', 'decimallongitude', 'decimal_longitude', 'gps_longitude', 'gps_lon', 'gps_lng']);
const AMBIGUOUS_LATITUDE_KEYS = ['y', 'ycoord', 'y_coord', 'coord_y', 'y_coordinate'];
const AMBIGUOUS_LONGITUDE_KEYS = ['x', 'xcoord', 'x_coord', 'coord_x', 'x_coordinate'];
const NAME_KEYS = ['name', 'sample_name', 'samplename', 'sample', 'sample_id', 'sampleid', 'sample_code', 'specimen', 'specimen_id', 'title', 'label', 'id', 'identifier'];
const TIME_KEYS = ['collected_at', 'collection_date', 'collection_time', 'collected', 'sampling_date', 'sampling_time', 'sample_date', 'sampled_at', 'event_date', 'eventdate', 'observed_at', 'observation_date', 'datetime', 'date_time', 'timestamp', 'date', 'time'];
const ELEVATION_KEYS = ['elevation', 'altitude', 'elev', 'alt', 'elevation_m', 'altitude_m', 'elev_m', 'alt_m'];
const METRES = new Set(['m', 'metre', 'metres', 'meter', 'meters', 'm a.s.l.', 'm asl', 'masl']);

/**
 * Finds the columns that become the sample's location, name, collection time and elevation.
 * Each column takes at most one role, and the others become fields. A coordinate column whose key
 * is also a field of the dataset fills that field too.
 */
export function detectSampleRoles(candidates: readonly RoleCandidate[]): SampleRoles {
  const used = new Set<number>();
  const take = (index: number | null): number | null => {
    if (index !== null) used.add(index);
    return index;
  };

  const location = detectCoordinates(candidates);
  take(location?.latitude ?? null);
  take(location?.longitude ?? null);

  const name = take(findByKeys(candidates, NAME_KEYS, used, isFree));
  const collectedAt = detectCollectedAt(candidates, used);
  if (collectedAt) used.add(collectedAt.column);
  const elevation = take(findByKeys(candidates, ELEVATION_KEYS, used, (column) => isFree(column) && isNumeric(column) && isMetres(column.unit)));

  return {
    name,
    latitude: location?.latitude ?? null,
    longitude: location?.longitude ?? null,
    collectedAt,
    elevation,
  };
}

function detectCoordinates(candidates: readonly RoleCandidate[]): { latitude: number; longitude: number } | null {
  const none = new Set<number>();
  const named = (column: RoleCandidate) => column.eligible;
  const latitude =
    findByKeys(candidates, LATITUDE_KEYS, none, named) ??
    findByKeys(candidates, AMBIGUOUS_LATITUDE_KEYS, none, (column) => isCleanFree(column) && column.profile.outsideLatitude === 0);
  const longitude =
    findByKeys(candidates, LONGITUDE_KEYS, none, named) ??
    findByKeys(candidates, AMBIGUOUS_LONGITUDE_KEYS, none, (column) => isCleanFree(column) && column.profile.outsideLongitude === 0);
  if (latitude === null || longitude === null) return null;
  return { latitude, longitude };
}

function detectCollectedAt(candidates: readonly RoleCandidate[], used: ReadonlySet<number>): SampleRoles['collectedAt'] {
  const isTime = (column: RoleCandidate) => column.typing.type === 'date' || column.typing.type === 'datetime';
  const isEpochMs = (column: RoleCandidate) =>
    column.typing.type === 'integer' && column.profile.present > 0 && column.profile.epochMs === column.profile.present;

  const column = findByKeys(candidates, TIME_KEYS, used, (candidate) => isFree(candidate) && (isTime(candidate) || isEpochMs(candidate)));
  if (column === null) return null;
  return { column, epochMs: isEpochMs(candidates[column]!) };
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
