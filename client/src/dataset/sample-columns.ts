import type { Field } from '../../../common/api/fields.js';
import type { Sample } from '../../../common/api/samples.js';
import { cellText, formatCoordinate, isNumericFieldType } from '../format/cell-text.js';
import { formatCollectedAt } from '../format/dates.js';
import { geometryText } from '../../../common/geometry-text.js';

/** One column of the samples table. */
export interface SampleColumn {
  id: string;
  label: string;
  unit: string | null;
  numeric: boolean;
  /** Width in CSS pixels; the header and every row share it so the columns line up. */
  width: number;
  /** The field of a field column, for changing it; null for the sample's own properties. */
  field: Field | null;
  /** The text a cell shows. */
  text(sample: Sample): string;
  /** The text a copy of the cell and its editor get, when it differs from what the cell shows. */
  rawText?(sample: Sample): string;
}

// "2018-02-07 01:26:13.840" at about 8.5 px a character, with the cell's padding.
const TIME_WIDTH = 216;

const BASE_COLUMNS: SampleColumn[] = [
  { id: 'name', label: 'Name', unit: null, numeric: false, width: 220, field: null, text: (sample) => sample.name },
  {
    id: 'latitude',
    label: 'Latitude',
    unit: '°',
    numeric: true,
    width: 136,
    field: null,
    text: (sample) => formatCoordinate(sample.location?.coordinates[1]),
  },
  {
    id: 'longitude',
    label: 'Longitude',
    unit: '°',
    numeric: true,
    width: 136,
    field: null,
    text: (sample) => formatCoordinate(sample.location?.coordinates[0]),
  },
  {
    id: 'collectedAt',
    label: 'Collected at',
    unit: 'UTC',
    numeric: false,
    width: TIME_WIDTH,
    field: null,
    text: (sample) => formatCollectedAt(sample.collectedAt, sample.collectedAtPrecision),
  },
];

/** Builds the table's columns: the sample's own properties, then each field in column order. */
export function sampleColumns(fields: Field[]): SampleColumn[] {
  const fieldColumns = [...fields]
    .sort((a, b) => a.position - b.position)
    .map((field) => (field.type === 'geometry' ? geometryColumn(field) : valueColumn(field)));
  return [...BASE_COLUMNS, ...fieldColumns];
}

function valueColumn(field: Field): SampleColumn {
  return {
    id: `field:${field.key}`,
    label: field.label,
    unit: field.unit,
    numeric: isNumericFieldType(field.type),
    width: columnWidth(field.label, field.unit, minimumWidth(field.type)),
    field,
    text: (sample) => cellText(sample.values[field.key]),
  };
}

/** Builds a geometry field's column: a short description in the cell, the GeoJSON in its editor and on the clipboard. */
function geometryColumn(field: Field): SampleColumn {
  return {
    ...valueColumn(field),
    text: (sample) => geometryText(sample.values[field.key]),
    rawText: (sample) => cellText(sample.values[field.key]),
  };
}

/** Returns the narrowest a field's column starts: numbers are short, and a date-time field shows ISO 8601 with milliseconds. */
function minimumWidth(type: Field['type']): number {
  // "2023-05-03T09:30:00.000Z" is 24 characters.
  if (type === 'datetime') return 232;
  // "MultiPolygon, 12 parts, 1,204 vertices" is 38.
  if (type === 'geometry') return 300;
  return isNumericFieldType(type) ? 140 : 180;
}

/**
 * Widens a column for a long header, up to a limit: about 8.5 px a character at the table's font
 * size, plus the cell's padding and the field's ⋯ menu button.
 */
function columnWidth(label: string, unit: string | null, minimum: number): number {
  const characters = label.length + (unit ? unit.length + 3 : 0);
  return Math.round(Math.min(320, Math.max(minimum, 56 + characters * 8.5)));
}
