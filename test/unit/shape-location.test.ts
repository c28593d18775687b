import { describe, expect, it } from 'vitest';
import { liesOnShape, pointOnShape, shapeLocation } from '../../common/shape-location.js';

const square = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]] };
// A U open to the north: its middle, (5, 5), lies outside it.
const horseshoe = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [7, 10], [7, 3], [3, 3], [3, 10], [0, 10], [0, 0]]] };
const framed = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [8, 2], [8, 8], [2, 8], [2, 2]]] };
const line = { type: 'LineString', coordinates: [[-70, 35], [10, 30], [80, 35]] };

describe('pointOnShape', () => {
  it('finds a point inside concave polygons and polygons with holes', () => {
    for (const polygon of [square, horseshoe, framed]) {
      const point = pointOnShape(polygon)!;
      expect(liesOnShape(point, polygon), JSON.stringify(polygon)).toBe(true);
    }
    expect(liesOnShape([5, 5], horseshoe)).toBe(false);
    expect(liesOnShape([5, 5], framed)).toBe(false);
  });

  it('picks the largest or longest part', () => {
    const islands = { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], square.coordinates] };
    const point = pointOnShape(islands)!;
    expect(point[0]).toBeGreaterThan(1);
    expect(liesOnShape(point, square)).toBe(true);
    expect(pointOnShape(line)).toEqual([10, 30]);
    expect(pointOnShape({ type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[5, 5], [6, 6], [7, 7]]] })).toEqual([6, 6]);
    expect(pointOnShape({ type: 'MultiPoint', coordinates: [[3, 4], [5, 6]] })).toEqual([3, 4]);
    expect(pointOnShape({ type: 'Polygon', coordinates: [] })).toBeNull();
  });

  it('handles a ring of a million vertices', () => {
    const ring = Array.from({ length: 1_000_000 }, (_, index) => {
      const angle = (index / 1_000_000) * 2 * Math.PI;
      return [Math.cos(angle), Math.sin(angle)];
    });
    const circle = { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
    const point = pointOnShape(circle)!;
    expect(Math.hypot(point[0], point[1])).toBeLessThan(1);
  });
});

describe('liesOnShape', () => {
  it('counts edges and vertices as on the shape', () => {
    expect(liesOnShape([10, 5], square)).toBe(true);
    expect(liesOnShape([45, 32.5], line)).toBe(true);
    expect(liesOnShape([30, 33], line)).toBe(false);
    expect(liesOnShape([10.000001, 5], square)).toBe(false);
  });
});

describe('shapeLocation', () => {
  const at = (lon: number, lat: number) => ({ type: 'Point' as const, coordinates: [lon, lat] as [number, number] });
  const moved = { type: 'Polygon', coordinates: [[[20, 20], [30, 20], [30, 30], [20, 30], [20, 20]]] };

  it('moves a location on the old shape', () => {
    const onNew = shapeLocation(at(5, 5), square, moved)!;
    expect(liesOnShape(onNew.coordinates, moved)).toBe(true);
    expect(shapeLocation(null, null, moved)?.coordinates).toEqual(onNew.coordinates);
    expect(shapeLocation(at(10, 30), line, { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, 0]] })).toEqual(at(1, 1));
  });

  it('keeps a location placed elsewhere', () => {
    expect(shapeLocation(at(50, 50), square, moved)).toBeUndefined();
    expect(shapeLocation(at(5, 5), null, moved)).toBeUndefined();
    const onNew = pointOnShape(moved)!;
    expect(shapeLocation(at(onNew[0], onNew[1]), square, moved)).toBeUndefined();
  });

  it('keeps a location that lies on the new shape', () => {
    const widened = { type: 'Polygon', coordinates: [[[0, 0], [12, 0], [12, 10], [0, 10], [0, 0]]] };
    expect(shapeLocation(at(1, 9), square, widened)).toBeUndefined();
    expect(shapeLocation(at(1, 9), square, square)).toBeUndefined();
    expect(shapeLocation(at(0, 0), line, { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, 0]] })).toBeUndefined();
  });

  it('keeps the location when the shape is cleared or is no geometry', () => {
    expect(shapeLocation(at(5, 5), square, null)).toBeUndefined();
    expect(shapeLocation(at(5, 5), square, 'POLYGON ((0 0, 1 0, 1 1, 0 0))')).toBeUndefined();
    expect(shapeLocation(at(5, 5), square, { type: 'Polygon', coordinates: [] })).toBeUndefined();
  });
});
