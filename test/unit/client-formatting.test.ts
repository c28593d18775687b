import { describe, expect, it } from 'vitest';
import { cellText, formatCoordinate, isNumericFieldType } from '../../client/src/format/cell-text.js';
import { geometryText } from '../../common/geometry-text.js';
import { formatCollectedAt, formatLocalDateTime, formatTemporalCoverage } from '../../client/src/format/dates.js';
import { parseKeywords } from '../../client/src/format/keywords.js';
import { doiUrl, safeHttpUrl, spdxLicenseUrl } from '../../client/src/format/links.js';
import { summariseMap } from '../../client/src/format/map-summary.js';
import { formatBytes, formatCount, plural } from '../../client/src/format/numbers.js';
import { checkUploadFile } from '../../client/src/dataset/upload-check.js';
import { unwrapRing } from '../../client/src/map/antimeridian.js';
import { extentToBox } from '../../client/src/map/extent.js';
import { nextConnectionState } from '../../client/src/realtime/connection-state.js';

describe('numbers', () => {
  it('formats counts, plurals and sizes', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(plural(1, 'sample')).toBe('1 sample');
    expect(plural(344, 'sample')).toBe('344 samples');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1,023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GiB');
  });
});

describe('cell text', () => {
  it('shows values as plain text', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(undefined)).toBe('');
    expect(cellText('<b>bold</b>')).toBe('<b>bold</b>');
    expect(cellText(0.000123456789)).toBe('0.000123456789');
    expect(cellText(false)).toBe('false');
    expect(cellText({ qualifier: '<', value: 0.1 })).toBe('{"qualifier":"<","value":0.1}');
  });

  it('rounds coordinates to six decimals', () => {
    expect(formatCoordinate(46.123456789)).toBe('46.123457');
    expect(formatCoordinate(-8.5)).toBe('-8.5');
    expect(formatCoordinate(undefined)).toBe('');
    expect(isNumericFieldType('integer')).toBe(true);
    expect(isNumericFieldType('text')).toBe(false);
  });
});

describe('dates', () => {
  it('formats collection times to their precision in UTC', () => {
    expect(formatCollectedAt('2020-01-01T00:00:00Z', 'year')).toBe('2020');
    expect(formatCollectedAt('2020-05-01T00:00:00Z', 'month')).toBe('2020-05');
    expect(formatCollectedAt('2020-05-17T00:00:00Z', null)).toBe('2020-05-17');
    expect(formatCollectedAt('2020-05-17T13:45:30+02:00', 'minute')).toBe('2020-05-17 11:45');
    expect(formatCollectedAt('2020-05-17T13:45:30Z', null)).toBe('2020-05-17 13:45:30');
    expect(formatCollectedAt(null, null)).toBe('');
  });

  it('formats local times to the minute or second', () => {
    // Built from local wall-clock parts, so the check holds in every time zone.
    const morning = new Date(2026, 11, 5, 6, 18, 16).toISOString();
    expect(formatLocalDateTime(morning)).toBe('2026-12-05 06:18');
    expect(formatLocalDateTime(morning, 'minute')).toBe('2026-12-05 06:18');
    expect(formatLocalDateTime(morning, 'second')).toBe('2026-12-05 06:18:16');
    expect(formatLocalDateTime(new Date(2027, 0, 9, 23, 5, 7).toISOString(), 'second')).toBe('2027-01-09 23:05:07');
    expect(formatLocalDateTime('not a time', 'second')).toBe('not a time');
  });

  it('describes temporal coverage', () => {
    expect(formatTemporalCoverage('2019-06-01T00:00:00Z', '2023-09-30T00:00:00Z')).toBe('2019-06-01 to 2023-09-30');
    expect(formatTemporalCoverage('2019-06-01T00:00:00Z', null)).toBe('from 2019-06-01');
    expect(formatTemporalCoverage(null, '2023-09-30T00:00:00Z')).toBe('until 2023-09-30');
    expect(formatTemporalCoverage(null, null)).toBeNull();
  });
});

describe('links', () => {
  it('links only http and https URLs', () => {
    expect(safeHttpUrl('https://example.org/data')).toBe('https://example.org/data');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });

  it('links SPDX ids and DOIs', () => {
    expect(spdxLicenseUrl('CC-BY-4.0')).toBe('https://spdx.org/licenses/CC-BY-4.0.html');
    expect(spdxLicenseUrl('MIT OR Apache-2.0')).toBeNull();
    expect(spdxLicenseUrl('LicenseRef-Public-Domain')).toBeNull();
    expect(doiUrl('10.5281/zenodo.1234')).toBe('https://doi.org/10.5281/zenodo.1234');
  });
});

describe('parseKeywords', () => {
  it('splits, trims and drops repeats', () => {
    expect(parseKeywords(' pH, nitrate ,, PH, lakes ')).toEqual(['pH', 'nitrate', 'lakes']);
    expect(parseKeywords('')).toEqual([]);
  });
});

describe('geometryText', () => {
  it('describes a point by its coordinates, latitude first', () => {
    expect(geometryText({ type: 'Point', coordinates: [4.3, 52.1234567] })).toBe('Point 52.123457, 4.3');
  });

  it('counts the vertices and parts of other shapes', () => {
    expect(geometryText({ type: 'LineString', coordinates: [[0, 0], [2, 2], [4, 0]] })).toBe('LineString, 3 vertices');
    expect(geometryText({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.2, 0.2], [0.4, 0.2], [0.3, 0.3], [0.2, 0.2]]] })).toBe(
      'Polygon, 8 vertices',
    );
    expect(geometryText({ type: 'MultiPoint', coordinates: [[1, 2]] })).toBe('MultiPoint, 1 vertex');
    expect(
      geometryText({ type: 'MultiPolygon', coordinates: [[[[1, 1], [3, 1], [3, 3], [1, 1]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] }),
    ).toBe('MultiPolygon, 2 parts, 8 vertices');
  });

  it('shows nothing for values that are not geometries', () => {
    expect(geometryText(null)).toBe('');
    expect(geometryText(undefined)).toBe('');
    expect(geometryText('POINT (1 2)')).toBe('');
    expect(geometryText({ type: 'GeometryCollection', geometries: [] })).toBe('');
  });
});

describe('summariseMap', () => {
  const base = { drawn: 0, loading: false, limit: 20_000 };

  it('says when no sample is located', () => {
    expect(summariseMap({ ...base, sampleCount: 344, locatedCount: 0 })).toBe('344 samples, none located');
    expect(summariseMap({ ...base, sampleCount: 0, locatedCount: 0 })).toBe('No samples yet');
  });

  it('names the shapes drawn from geometry fields', () => {
    expect(summariseMap({ ...base, sampleCount: 4, locatedCount: 3, drawn: 3, shapes: 2 })).toBe(
      '4 samples: 3 shown on the map, 1 without a location; 2 shapes from geometry fields outlined in teal',
    );
    expect(summariseMap({ ...base, sampleCount: 1, locatedCount: 1, drawn: 1, shapes: 1 })).toBe(
      '1 sample, all shown on the map; 1 shape from geometry fields outlined in teal',
    );
  });

  it('counts shown and unlocated samples', () => {
    expect(summariseMap({ ...base, sampleCount: 200, locatedCount: 200, drawn: 200 })).toBe('200 samples, all shown on the map');
    expect(summariseMap({ ...base, sampleCount: 200, locatedCount: 199, drawn: 199 })).toBe(
      '200 samples: 199 shown on the map, 1 without a location',
    );
  });

  it('reports loading and the point limit', () => {
    expect(summariseMap({ ...base, sampleCount: 5_000, locatedCount: 5_000, drawn: 1_000, loading: true })).toBe(
      '5,000 samples: 1,000 of 5,000 located shown so far',
    );
    expect(summariseMap({ ...base, sampleCount: 100_000, locatedCount: 90_000, drawn: 20_000 })).toBe(
      '100,000 samples: 20,000 of 90,000 located shown (the map draws at most 20,000 points), 10,000 without a location',
    );
  });
});

describe('extentToBox', () => {
  it('turns a polygon into corners in latitude, longitude order', () => {
    const polygon = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [6, 45.5],
          [14, 45.5],
          [14, 47.5],
          [6, 47.5],
          [6, 45.5],
        ] as [number, number][],
      ],
    };
    expect(extentToBox(polygon)).toEqual([
      [45.5, 6],
      [47.5, 14],
    ]);
  });

  it('pads a single point and handles no extent', () => {
    const point = { type: 'Polygon' as const, coordinates: [[[10, 20] as [number, number]]] };
    expect(extentToBox(point)).toEqual([
      [19.95, 9.95],
      [20.05, 10.05],
    ]);
    expect(extentToBox(null)).toBeNull();
  });
});

describe('checkUploadFile', () => {
  it('accepts the formats the server loads', () => {
    expect(checkUploadFile({ name: 'lakes.CSV', size: 10 }, 100)).toBeNull();
    expect(checkUploadFile({ name: 'points.geojson', size: 10 }, undefined)).toBeNull();
    expect(checkUploadFile({ name: 'book.xlsx', size: 10 }, 100)).toBeNull();
    expect(checkUploadFile({ name: 'book.ods', size: 10 }, 100)).toBeNull();
    expect(checkUploadFile({ name: 'export.zip', size: 10 }, 100)).toBeNull();
  });

  it('rejects other types, empty and oversized files in words', () => {
    expect(checkUploadFile({ name: 'table.xls', size: 10 }, 100)).toMatch(/not a file Fairport can load/);
    expect(checkUploadFile({ name: 'report.pdf', size: 10 }, 100)).toMatch(/not a file Fairport can load/);
    expect(checkUploadFile({ name: 'empty.csv', size: 0 }, 100)).toMatch(/is empty/);
    expect(checkUploadFile({ name: 'big.csv', size: 3 * 1024 ** 3 }, 2 * 1024 ** 3)).toBe(
      '"big.csv" is 3 GiB, more than the upload limit of 2 GiB. Split it into smaller files.',
    );
  });
});

describe('nextConnectionState', () => {
  it('follows connects, losses and the browser network state', () => {
    expect(nextConnectionState('connecting', 'connect')).toBe('live');
    expect(nextConnectionState('connecting', 'connect_error')).toBe('connecting');
    expect(nextConnectionState('live', 'disconnect')).toBe('reconnecting');
    expect(nextConnectionState('reconnecting', 'connect_error')).toBe('reconnecting');
    expect(nextConnectionState('live', 'browser_offline')).toBe('offline');
    expect(nextConnectionState('offline', 'disconnect')).toBe('offline');
    expect(nextConnectionState('offline', 'browser_online')).toBe('reconnecting');
    expect(nextConnectionState('live', 'browser_online')).toBe('live');
    expect(nextConnectionState('reconnecting', 'connect')).toBe('live');
  });

  it('goes live when the socket survived', () => {
    expect(nextConnectionState('offline', 'browser_online', true)).toBe('live');
    expect(nextConnectionState('offline', 'browser_online', false)).toBe('reconnecting');
  });
});

describe('unwrapRing', () => {
  it('keeps a ring that does not cross the antimeridian', () => {
    const ring = [
      [10, 40],
      [12, 40],
      [12, 42],
      [10, 40],
    ];
    expect(unwrapRing(ring)).toEqual(ring);
  });

  it('continues a ring across the antimeridian instead of jumping back', () => {
    const fiji = [
      [178, -17],
      [-179, -17],
      [-179, -16],
      [178, -16],
      [178, -17],
    ];
    expect(unwrapRing(fiji)).toEqual([
      [178, -17],
      [181, -17],
      [181, -16],
      [178, -16],
      [178, -17],
    ]);
  });

  it('recentres a ring drawn east of 180°', () => {
    const ring = [
      [-179, 66],
      [170, 66],
      [160, 60],
      [170, 60],
      [-179, 66],
    ];
    expect(unwrapRing(ring).map(([lon]) => lon)).toEqual([181, 170, 160, 170, 181]);
  });

  it('closes a ring around the south pole along the map edge', () => {
    const antarctica = [
      [-180, -80],
      [-60, -75],
      [60, -70],
      [179, -80],
      [-180, -80],
    ];
    const unwrapped = unwrapRing(antarctica);
    expect(unwrapped.slice(-3)).toEqual([
      [180, -90],
      [-180, -90],
      [-180, -80],
    ]);
  });
});

describe('splitLinks', () => {
  it('links http addresses and keeps the rest as text', async () => {
    const { splitLinks } = await import('../../client/src/format/links.js');
    expect(splitLinks('U.S. Public Domain: https://www.usgs.gov/copyrights.')).toEqual([
      { text: 'U.S. Public Domain: ', url: null },
      { text: 'https://www.usgs.gov/copyrights', url: 'https://www.usgs.gov/copyrights' },
      { text: '.', url: null },
    ]);
  });

  it('never links other schemes', async () => {
    const { splitLinks } = await import('../../client/src/format/links.js');
    expect(splitLinks('javascript:alert(1) and ftp://x.org')).toEqual([{ text: 'javascript:alert(1) and ftp://x.org', url: null }]);
  });
});

describe('dayBound', () => {
  it('turns a date into the start or end of the day in UTC', async () => {
    const { dayBound } = await import('../../client/src/format/dates.js');
    expect(dayBound('2024-05-01', 'start')).toBe('2024-05-01T00:00:00Z');
    expect(dayBound('2024-05-01', 'end')).toBe('2024-05-01T23:59:59Z');
    expect(dayBound('', 'start')).toBeNull();
  });
});
