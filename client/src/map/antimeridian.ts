import type { Position } from 'geojson';

/**
 * Makes a ring drawable on a flat map. world-atlas stores spherical rings, so a ring that
 * crosses the antimeridian (Russia, Fiji) jumps from +180 to -180 and would draw a line across
 * the world: each jump is undone by shifting the rest of the ring 360°. A ring that circles a
 * pole (Antarctica) then spans 360°, and is closed along the edge of the map at that pole.
 */
export function unwrapRing(ring: Position[]): Position[] {
  if (ring.length === 0) return ring;
  const unwrapped: Position[] = [];
  let shift = 0;
  let previous = ring[0]![0]!;
  for (const [lon, lat] of ring as [number, number][]) {
    if (lon - previous > 180) shift -= 360;
    else if (previous - lon > 180) shift += 360;
    previous = lon;
    unwrapped.push([lon + shift, lat]);
  }

  recentre(unwrapped);
  const first = unwrapped[0]!;
  const last = unwrapped[unwrapped.length - 1]!;
  if (Math.abs(last[0]! - first[0]!) < 180) return unwrapped;

  const poleLat = unwrapped.reduce((sum, [, lat]) => sum + lat!, 0) < 0 ? -90 : 90;
  return [...unwrapped, [last[0]!, poleLat], [first[0]!, poleLat], first];
}

/** Shifts a ring by 360° when most of it lies outside -180..180, so it is drawn over the main world. */
function recentre(ring: Position[]): void {
  const meanLon = ring.reduce((sum, [lon]) => sum + lon!, 0) / ring.length;
  let shift = 0;
  if (meanLon > 180) shift = -360;
  if (meanLon < -180) shift = 360;
  if (shift === 0) return;
  for (const position of ring) position[0]! += shift;
}
