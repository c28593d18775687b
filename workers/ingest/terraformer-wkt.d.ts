/** Types of the part of @terraformer/wkt (2.x, shipped without its own) that the worker uses. */
declare module '@terraformer/wkt' {
  /** Parses Well-Known Text into a GeoJSON geometry; throws on text it cannot parse. */
  export function wktToGeoJSON(wkt: string): { type: string; coordinates?: unknown; geometries?: unknown[] };
}
