import { sampleProperties } from '../api/samples.js';

/**
 * Cells of a dataset: a sample's own properties (name, location…) and the values of its typed
 * fields. Each cell has a key, used for per-cell change numbers (`samples.cell_seqs`), presence
 * and history: `p:<property>` for a property and `f:<field key>` for a field's value.
 */

/** The sample properties that live edits may set; the rest change through the REST API or imports. */
export const EDITABLE_PROPERTIES = [
  'name',
  'igsn',
  'material',
  'location',
  'locationText',
  'elevation',
  'collectedAt',
  'collectedAtPrecision',
] as const;
export type EditableProperty = (typeof EDITABLE_PROPERTIES)[number];

/** Decimals kept of a coordinate; PostGIS writes GeoJSON with at most 9, so stored and sent values agree. */
const COORDINATE_DECIMALS = 9;

/** Returns the cell key of a sample property. */
export function propertyCell(property: EditableProperty): string {
  return `p:${property}`;
}

/** Returns the cell key of a field's value. */
export function valueCell(fieldKey: string): string {
  return `f:${fieldKey}`;
}

export type NormalisedProperty = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Validates and normalises a property value the way the database will store it: text trimmed,
 * coordinates rounded to 9 decimals, times as ISO strings in UTC with milliseconds.
 */
export function normaliseProperty(property: EditableProperty, value: unknown): NormalisedProperty {
  const parsed = sampleProperties[property].safeParse(value);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues[0]?.message ?? 'invalid value' };

  const data = parsed.data;
  if (property === 'location' && data !== null) {
    const [lon, lat] = (data as { coordinates: [number, number] }).coordinates;
    return { ok: true, value: { type: 'Point', coordinates: [roundCoordinate(lon), roundCoordinate(lat)] } };
  }
  if (property === 'collectedAt' && data !== null) {
    return { ok: true, value: new Date(data as string).toISOString() };
  }
  return { ok: true, value: data };
}

function roundCoordinate(degrees: number): number {
  // Adding 0 turns -0 into 0, which JSON writes the same way anyway.
  return Number(degrees.toFixed(COORDINATE_DECIMALS)) + 0;
}
