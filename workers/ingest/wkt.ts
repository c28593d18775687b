import { wktToGeoJSON } from '@terraformer/wkt';

/** A geometry read from Well-Known Text, with the SRID an EWKT prefix gave (null when none). */
export interface ParsedWkt {
  geometry: { type: string; coordinates?: unknown };
  srid: number | null;
}

const WKT_START = /^(?:SRID=(\d{4,6});\s*)?((?:MULTI)?(?:POINT|LINESTRING|POLYGON)|GEOMETRYCOLLECTION)\s*(?:Z|M|ZM)?\s*(?:\(|EMPTY)/i;

/** Tells cheaply whether a trimmed text looks like (E)WKT, before it is parsed. */
export function looksLikeWkt(trimmed: string): boolean {
  const first = trimmed.charCodeAt(0) | 0x20;
  // p(oint, olygon), l(inestring), m(ulti), g(eometrycollection), s(rid=)
  if (first !== 0x70 && first !== 0x6c && first !== 0x6d && first !== 0x67 && first !== 0x73) return false;
  return WKT_START.test(trimmed);
}

/** Parses WKT or EWKT ("SRID=2056;POINT(2600000 1200000)"), or returns null when the text is neither. */
export function parseWkt(trimmed: string): ParsedWkt | null {
  const match = WKT_START.exec(trimmed);
  if (!match) return null;
  const srid = match[1] === undefined ? null : Number(match[1]);
  const body = match[1] === undefined ? trimmed : trimmed.slice(trimmed.indexOf(';') + 1).trim();
  try {
    return { geometry: wktToGeoJSON(body), srid };
  } catch {
    return null;
  }
}
