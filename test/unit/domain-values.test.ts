import { describe, expect, it } from 'vitest';
import { cellValueProblem, valueIssues } from '../../server/domain/cell-values.js';
import { fieldKeyFromLabel, uniqueFieldKey } from '../../server/domain/field-keys.js';
import { decodeCursor, encodeCursor } from '../../server/http/pagination.js';

describe('fieldKeyFromLabel', () => {
  it.each([
    ['Body Mass (g)', 'body_mass_g'],
    ['Beak Length (mm)', 'beak_length_mm'],
    ['2nd run', 'f_2nd_run'],
    ['Température °C', 'temperature_c'],
    ['***', 'field'],
    ['a'.repeat(80), 'a'.repeat(63)],
  ])('turns %j into %j', (label, key) => {
    expect(fieldKeyFromLabel(label)).toBe(key);
  });

  it('numbers keys that are taken', () => {
    expect(uniqueFieldKey('depth', new Set(['depth', 'depth_2']))).toBe('depth_3');
  });
});

describe('cellValueProblem', () => {
  it('accepts numbers and qualified values in number fields', () => {
    expect(cellValueProblem('number', 0)).toBeNull();
    expect(cellValueProblem('number', '<0.01')).toBeNull();
    expect(cellValueProblem('number', '> 10000')).toBeNull();
    expect(cellValueProblem('number', 'BDL')).toBeNull();
    expect(cellValueProblem('number', 'lots')).toMatch(/expected a number/);
  });

  it('checks integers, dates, date-times and geometry', () => {
    expect(cellValueProblem('integer', 2.5)).toMatch(/whole number/);
    expect(cellValueProblem('date', '2024-02-30')).toMatch(/YYYY-MM-DD/);
    expect(cellValueProblem('date', '2024-02-29')).toBeNull();
    expect(cellValueProblem('datetime', '2024-02-29T10:00:00')).toMatch(/time zone/);
    expect(cellValueProblem('datetime', '2024-02-29T10:00:00+01:00')).toBeNull();
    expect(cellValueProblem('geometry', { type: 'Point', coordinates: [1, 2] })).toBeNull();
    expect(cellValueProblem('geometry', { type: 'Circle' })).toMatch(/GeoJSON/);
  });

  it('rejects malformed geometry', () => {
    const malformed: [string, Record<string, unknown>][] = [
      ['text coordinates', { type: 'LineString', coordinates: [['a', 'b'], ['c', 'd']] }],
      ['null coordinates', { type: 'MultiPoint', coordinates: [[null, null]] }],
      ['polygon nested as a line', { type: 'Polygon', coordinates: [[1, 2], [3, 4]] }],
      ['polygon of one position', { type: 'Polygon', coordinates: [[[1, 2]]] }],
      ['line nested too deep', { type: 'LineString', coordinates: [[[[1, 2]]], [0, 0]] }],
      ['longitude out of range', { type: 'LineString', coordinates: [[500, 10], [0, 0]] }],
      ['latitude out of range', { type: 'Point', coordinates: [0, -1e300] }],
      ['point without position', { type: 'Point', coordinates: [] }],
      ['collection', { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }] }],
    ];
    for (const [name, value] of malformed) expect(cellValueProblem('geometry', value), name).toMatch(/^expected a GeoJSON geometry object, but /);
    expect(cellValueProblem('geometry', [0, 0] as unknown as Record<string, unknown>)).toBe('expected a GeoJSON geometry object');
  });

  it('accepts empty geometry and foreign members', () => {
    expect(cellValueProblem('geometry', { type: 'Polygon', coordinates: [] })).toBeNull();
    expect(cellValueProblem('geometry', { type: 'LineString', coordinates: [[0, 0], [1, 1]], bbox: [0, 0, 1, 1] })).toBeNull();
  });

  it('reports missing required values only for complete rows', () => {
    const fields = [{ key: 'depth', type: 'number' as const, required: true }];
    expect(valueIssues(fields, {}, true)).toEqual([{ field: 'body.values.depth', message: 'a value is required' }]);
    expect(valueIssues(fields, {}, false)).toEqual([]);
  });
});

describe('cursors', () => {
  it('round-trip and reject tampering', () => {
    expect(decodeCursor(encodeCursor([42]), ['number'])).toEqual([42]);
    expect(() => decodeCursor(encodeCursor(['42']), ['number'])).toThrow(/Invalid cursor/);
    expect(() => decodeCursor(encodeCursor([1.5]), ['number'])).toThrow(/Invalid cursor/);
    expect(() => decodeCursor(encodeCursor([2 ** 63]), ['number'])).toThrow(/Invalid cursor/);
    expect(() => decodeCursor(encodeCursor(['x']), ['uuid'])).toThrow(/Invalid cursor/);
    const id = '5b0d4f7e-1d0b-4a47-9a3f-0c1f3b2a9e11';
    expect(decodeCursor(encodeCursor([id]), ['uuid'])).toEqual([id]);
    expect(() => decodeCursor('%%%', ['number'])).toThrow(/Invalid cursor/);
  });
});

describe('hostile numbers', () => {
  // Each of these took minutes with the earlier patterns, which backtracked quadratically.
  const digits = '9'.repeat(300_000);

  it('rejects a huge qualified value at once', () => {
    expect(cellValueProblem('number', `<${digits}x`)).toMatch(/expected a number/);
    expect(cellValueProblem('number', `<${'1'.repeat(50)}`)).toBeNull();
  });
});
