import { describe, expect, it } from 'vitest';
import { ColumnProfile } from '../../workers/ingest/column-profile.js';
import { detectSampleRoles, type RoleCandidate } from '../../workers/ingest/column-roles.js';
import { inferColumnType } from '../../workers/ingest/column-types.js';
import { parseHeaders } from '../../workers/ingest/header-fields.js';
import { DEFAULT_MISSING_VALUES } from '../../workers/ingest/missing-values.js';
import { PLAIN_NUMBERS } from '../../workers/ingest/numbers.js';

function candidates(table: Record<string, unknown[]>): RoleCandidate[] {
  const headers = parseHeaders(Object.keys(table));
  return headers.map((header) => {
    const profile = new ColumnProfile(DEFAULT_MISSING_VALUES);
    for (const value of table[header.header]!) profile.observe(value);
    return { key: header.key, unit: header.unit, profile, typing: inferColumnType(profile, PLAIN_NUMBERS), eligible: true, hasField: false };
  });
}

const latlon = (table: Record<string, unknown[]>) => candidates(table);

describe('detectSampleRoles', () => {
  it('finds latitude and longitude by their usual names', () => {
    const roles = detectSampleRoles(latlon({ site: ['a', 'b'], Latitude: ['52.1', '0'], Longitude: ['4.3', '-0.0'] }));
    expect(roles.latitude).toBe(1);
    expect(roles.longitude).toBe(2);
  });

  it('accepts lat/lng and decimalLatitude/decimalLongitude', () => {
    expect(detectSampleRoles(latlon({ lng: ['1'], lat: ['2'] }))).toMatchObject({ latitude: 1, longitude: 0 });
    expect(detectSampleRoles(latlon({ decimalLatitude: ['2'], decimalLongitude: ['1'] }))).toMatchObject({ latitude: 0, longitude: 1 });
  });

  it('keeps explicit coordinate columns even with out-of-range values, which are reported later', () => {
    const roles = detectSampleRoles(latlon({ lat: ['95', '10'], lon: ['10', '20'] }));
    expect(roles.latitude).toBe(0);
  });

  it('takes x and y only when every value is in degree range', () => {
    expect(detectSampleRoles(latlon({ x: ['10.5', '-170'], y: ['45.1', '-89.9'] }))).toMatchObject({ latitude: 1, longitude: 0 });
    const grid = detectSampleRoles(latlon({ x: ['455000', '455100'], y: ['5400000', '5400100'] }));
    expect(grid.latitude).toBeNull();
    expect(grid.longitude).toBeNull();
  });

  it('needs both coordinates', () => {
    expect(detectSampleRoles(latlon({ lat: ['1'], depth: ['2'] }))).toMatchObject({ latitude: null, longitude: null });
  });

  it('takes coordinate headers whatever their values', () => {
    expect(detectSampleRoles(latlon({ lat: ['45°N', '46°N'], lon: ['7°E', '8°E'] }))).toMatchObject({ latitude: 0, longitude: 1 });
    expect(detectSampleRoles(latlon({ lat: ['10', 'north'], lon: ['<5', '21'] }))).toMatchObject({ latitude: 0, longitude: 1 });
    expect(detectSampleRoles(latlon({ lat: ['', 'NA'], lon: ['', ''] }))).toMatchObject({ latitude: 0, longitude: 1 });
  });

  it('recognises common coordinate header variants', () => {
    const pairs = [
      ['Latitude (deg)', 'Longitude (deg)'],
      ['lat_dd', 'lon_dd'],
      ['LAT', 'LONG'],
      ['Lat.', 'Lng.'],
      ['Decimal Latitude', 'Decimal Longitude'],
      ['latitude_wgs84', 'longitude_wgs84'],
      ['GPS Latitude', 'GPS Longitude'],
      ['Latitude [decimal degrees]', 'Longitude [decimal degrees]'],
    ];
    for (const [latitude, longitude] of pairs) {
      const roles = detectSampleRoles(latlon({ site: ['a'], [longitude!]: ['north'], [latitude!]: ['east'] }));
      expect(roles, `${latitude} and ${longitude}`).toMatchObject({ latitude: 2, longitude: 1 });
    }
  });

  it('keeps value checks for ambiguous headers', () => {
    expect(detectSampleRoles(latlon({ x: ['10', 'east'], y: ['45', '46'] }))).toMatchObject({ latitude: null, longitude: null });
    expect(detectSampleRoles(latlon({ east: ['10'], north: ['45'] }))).toMatchObject({ latitude: null, longitude: null });
  });

  it('takes named coordinates that match existing fields', () => {
    const columns = candidates({ name: ['A'], lat: ['1'], lon: ['2'] }).map((column) => ({ ...column, hasField: true }));
    expect(detectSampleRoles(columns)).toMatchObject({ name: null, latitude: 1, longitude: 2 });
  });

  it('leaves ambiguous coordinates that match existing fields alone', () => {
    const columns = candidates({ x: ['1'], y: ['2'] }).map((column) => ({ ...column, hasField: true }));
    expect(detectSampleRoles(columns)).toMatchObject({ latitude: null, longitude: null });
  });

  it('prefers name over id for the sample name', () => {
    expect(detectSampleRoles(latlon({ id: ['1'], name: ['A'] })).name).toBe(1);
    expect(detectSampleRoles(latlon({ id: ['x1'], value: ['1'] })).name).toBe(0);
    expect(detectSampleRoles(latlon({ title: ['M 2.0'], id: ['ci1'] })).name).toBe(0);
  });

  it('maps ISO times and epoch milliseconds to collected_at', () => {
    expect(detectSampleRoles(latlon({ date: ['2024-01-02', '2024-01-03'] })).collectedAt).toEqual({ column: 0, epochMs: false });
    expect(detectSampleRoles(latlon({ time: [1517966773840, 1517966037750] })).collectedAt).toEqual({ column: 0, epochMs: true });
    expect(detectSampleRoles(latlon({ unix_time: [1517966773, 1517966037] })).collectedAt).toEqual({ column: 0, epochMs: false, epochSeconds: true });
    expect(detectSampleRoles(latlon({ time: ['12', '13'] })).collectedAt).toBeNull();
  });

  it('maps elevation in metres, but not in feet', () => {
    expect(detectSampleRoles(latlon({ 'Elevation (m)': ['10', '20'] })).elevation).toBe(0);
    expect(detectSampleRoles(latlon({ altitude: ['10'] })).elevation).toBe(0);
    expect(detectSampleRoles(latlon({ 'Elevation (ft)': ['10'] })).elevation).toBeNull();
  });

  it('leaves columns that are not eligible alone', () => {
    const columns = candidates({ lat: ['1'], lon: ['2'] }).map((column) => ({ ...column, eligible: column.key !== 'lat' }));
    expect(detectSampleRoles(columns)).toMatchObject({ latitude: null, longitude: null });
  });
});
