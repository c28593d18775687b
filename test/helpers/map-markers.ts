import type { Page } from 'playwright-core';

/** A point on the page in CSS pixels. */
export interface PagePoint {
  x: number;
  y: number;
}

/** The parts of a canvas element this reads; the tests compile without the DOM library. */
export interface CanvasElement {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } } | null;
  getBoundingClientRect(): { left: number; top: number; width: number };
}

/**
 * Finds the centres of the map's unselected sample points, sorted from west to east. The map
 * draws points on a canvas, so there is no element per point: this reads the canvas of Leaflet's
 * overlay pane and groups the pixels of the points' orange fill (#c2410c) into blobs.
 */
export function markerCentres(page: Page): Promise<PagePoint[]> {
  return page.locator('.samples-map .leaflet-overlay-pane canvas').evaluate((element) => {
    const canvas = element as unknown as CanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const blobs: { x: number; y: number; count: number }[] = [];
    for (let y = 0; y < canvas.height; y += 1) {
      for (let x = 0; x < canvas.width; x += 1) {
        const at = (y * canvas.width + x) * 4;
        const orange = pixels[at + 3]! > 128 && pixels[at]! > 150 && pixels[at + 1]! < 120 && pixels[at + 2]! < 60;
        if (!orange) continue;
        const blob = blobs.find((candidate) => Math.hypot(candidate.x / candidate.count - x, candidate.y / candidate.count - y) < 12);
        if (blob) {
          blob.x += x;
          blob.y += y;
          blob.count += 1;
        } else blobs.push({ x, y, count: 1 });
      }
    }
    const box = canvas.getBoundingClientRect();
    const scale = box.width / canvas.width;
    return blobs
      .map((blob) => ({ x: box.left + (blob.x / blob.count) * scale, y: box.top + (blob.y / blob.count) * scale }))
      .sort((a, b) => a.x - b.x);
  });
}

/** Converts a latitude to Web Mercator's y, in radians, as the map projects it. */
export function mercatorY(latitude: number): number {
  return Math.log(Math.tan(Math.PI / 4 + (latitude * Math.PI) / 360));
}

/** Converts Web Mercator's y, in radians, back to a latitude in degrees. */
export function latitudeOf(mercator: number): number {
  return ((2 * Math.atan(Math.exp(mercator)) - Math.PI / 2) * 180) / Math.PI;
}

/**
 * Converts a page point to longitude and latitude from two points whose coordinates are known,
 * so the map's zoom and position need not be known.
 */
export function toCoordinates(
  point: PagePoint,
  west: { at: PagePoint; lon: number; lat: number },
  east: { at: PagePoint; lon: number; lat: number },
): { lon: number; lat: number } {
  const pixelsPerDegree = (east.at.x - west.at.x) / (east.lon - west.lon);
  const pixelsPerMercator = (east.at.y - west.at.y) / (mercatorY(east.lat) - mercatorY(west.lat));
  return {
    lon: west.lon + (point.x - west.at.x) / pixelsPerDegree,
    lat: latitudeOf(mercatorY(west.lat) + (point.y - west.at.y) / pixelsPerMercator),
  };
}
