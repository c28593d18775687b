import type { ColumnProfile } from './column-profile.js';
import type { ColumnTyping } from './column-types.js';

/** A column with the facts role detection uses. */
export interface RoleCandidate {
  /** Field key derived from the header, such as `latitude` for "Latitude (°N)". */
  key: string;
  unit: string | null;
  profile: ColumnProfile;
  typing: ColumnTyping;
  /** False for columns that must stay fields: those matching an existing field, and synthetic ones. */
  eligible: boolean;
}

/** The columns that fill the sample's own columns, by index into the candidates. */
export interface SampleRoles {
  name: number | null;
  latitude: number | null;
  longitude: number | null;
  collectedAt: { column: number; epochMs: boolean } | null;
  elevation: number | null;
}

// Header keys in order of preference. Explicit coordinate names are coordinates even when some
// values are out of range, and those values are reported. The ambiguous x and y are coordinates
// only when every value is in range, because they are just as often metres on a local grid.
const LATITUDE_KEYS = ['latitude', 'lat', 'decimallatitude', 'decimal_latitude', 'lat_dd', 'latitude_dd', 'lat_deg', 'latitude_deg', 'lat_wgs84', 'latitude_wgs84', 'lat_decimal', 'latitude_decimal'];
const LONGITUDE_KEYS = ['longitude', 'lon', 'lng', 'long', 'decimallongitude', 'decimal_longitude', 'lon_dd', 'longitude_dd', 'long_dd', 'lng_dd', 'lon_deg', 'longitude_deg', 'lon_wgs84', 'longitude_wgs84', 'lon_decimal', 'longitude_decimal'];
const AMBIGUOUS_LATITUDE_KEYS = ['y', 'ycoord', 'y_coord', 'coord_y', 'y_coordinate'];
const AMBIGUOUS_LONGITUDE_KEYS = ['x', 'xcoord', 'x_coord', 'coord_x', 'x_coordinate'];
const NAME_KEYS = ['name', 'sample_name', 'samplename', 'sample', 'sample_id', 'sampleid', 'sample_code', 'specimen', 'specimen_id', 'title', 'label', 'id', 'identifier'];
const TIME_KEYS = ['collected_at', 'collection_date', 'collection_time', 'collected', 'sampling_date', 'sampling_time', 'sample_date', 'sampled_at', 'event_date', 'eventdate', 'observed_at', 'observation_date', 'datetime', 'date_time', 'timestamp', 'date', 'time'];
const ELEVATION_KEYS = ['elevation', 'altitude', 'elev', 'alt', 'elevation_m', 'altitude_m', 'elev_m', 'alt_m'];
const METRES = new Set(['m', 'metre', 'metres', 'meter', 'meters', 'm a.s.l.', 'm asl', 'masl']);

/**
 * Finds the columns that become the sample's location, name, collection time and elevation.
 * Each column takes at most one role; the others become fields.
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

  const name = take(findByKeys(candidates, NAME_KEYS, used, () => true));
  const collectedAt = detectCollectedAt(candidates, used);
  if (collectedAt) used.add(collectedAt.column);
  const elevation = take(findByKeys(candidates, ELEVATION_KEYS, used, (column) => isNumeric(column) && isMetres(column.unit)));

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
  const latitude =
    findByKeys(candidates, LATITUDE_KEYS, none, isNumeric) ??
    findByKeys(candidates, AMBIGUOUS_LATITUDE_KEYS, none, (column) => isCleanNumeric(column) && column.profile.outsideLatitude === 0);
  const longitude =
    findByKeys(candidates, LONGITUDE_KEYS, none, isNumeric) ??
    findByKeys(candidates, AMBIGUOUS_LONGITUDE_KEYS, none, (column) => isCleanNumeric(column) && column.profile.outsideLongitude === 0);
  if (latitude === null || longitude === null) return null;
  return { latitude, longitude };
}

function detectCollectedAt(candidates: readonly RoleCandidate[], used: ReadonlySet<number>): SampleRoles['collectedAt'] {
  const isTime = (column: RoleCandidate) => column.typing.type === 'date' || column.typing.type === 'datetime';
  const isEpochMs = (column: RoleCandidate) =>
    column.typing.type === 'integer' && column.profile.present > 0 && column.profile.epochMs === column.profile.present;

  const column = findByKeys(candidates, TIME_KEYS, used, (candidate) => isTime(candidate) || isEpochMs(candidate));
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
    const index = candidates.findIndex((column, position) => column.key === key && column.eligible && !used.has(position));
    if (index >= 0 && accepts(candidates[index]!)) return index;
  }
  return null;
}

function isNumeric(column: RoleCandidate): boolean {
  return (column.typing.type === 'number' || column.typing.type === 'integer') && column.profile.qualified === 0;
}

function isCleanNumeric(column: RoleCandidate): boolean {
  return isNumeric(column) && column.typing.invalid === 0;
}

function isMetres(unit: string | null): boolean {
  return unit === null || METRES.has(unit.toLowerCase());
}
