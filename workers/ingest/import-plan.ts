import type { FieldType } from '../../common/api/fields.js';
import type { ImportFormat } from '../../common/api/imports.js';
import type { CsvDelimiter } from './csv-source.js';
import type { TextEncoding } from './format-sniffer.js';
import type { DecimalMark } from './numbers.js';

/** A dataset field a column fills: one that exists, or one the import creates. */
export interface PlannedField {
  key: string;
  label: string;
  type: FieldType;
  unit: string | null;
  /** True when the dataset already has this field. */
  existing: boolean;
  /** The existing field's type when the import widens it (integer to number); otherwise null. */
  widenedFrom: FieldType | null;
}

/**
 * The sample column or field a file column fills. A latitude or longitude column also fills the
 * dataset's field of the same key, when there is one.
 */
export type ColumnTarget =
  | { kind: 'name' }
  | { kind: 'latitude'; field: PlannedField | null }
  | { kind: 'longitude'; field: PlannedField | null }
  | { kind: 'collected_at'; epochMs: boolean }
  | { kind: 'elevation' }
  | { kind: 'field'; field: PlannedField };

/** Returns the dataset field a column fills, or null when it fills only a sample column. */
export function targetField(target: ColumnTarget): PlannedField | null {
  if (target.kind === 'field' || target.kind === 'latitude' || target.kind === 'longitude') return target.field;
  return null;
}

/** The source of a GeoJSON column's values in a feature. */
export type FeatureColumnSource =
  | { kind: 'property'; name: string }
  | { kind: 'feature-id' }
  | { kind: 'third-coordinate' }
  | { kind: 'geometry' };

/** One column of the file and what the import does with it. */
export interface PlannedColumn {
  /** Position of the column's cell in a source row. */
  index: number;
  /** The header or property name as written. */
  header: string;
  target: ColumnTarget;
  decimalMark: DecimalMark;
  /** The first few values as written, for showing the mapping. */
  examples: string[];
}

/** The source of a sample's location. */
export type LocationSource =
  | { kind: 'columns'; latitude: number; longitude: number }
  | { kind: 'geometry' }
  | { kind: 'none' };

/** The analysis of a file: how every column maps onto the dataset, and what is wrong with it. */
export interface ImportPlan {
  format: ImportFormat;
  encoding: TextEncoding;
  /** The CSV delimiter; null for GeoJSON. */
  delimiter: CsvDelimiter | null;
  /** Number of header columns (CSV), or of columns found in the features (GeoJSON). */
  width: number;
  columns: PlannedColumn[];
  /** For GeoJSON, where each column's value comes from, by column index. */
  featureColumns: FeatureColumnSource[];
  location: LocationSource;
  /** Data rows (CSV) or features (GeoJSON). */
  rowsTotal: number;
  /** The fields the merge creates, in column order. */
  newFields: PlannedField[];
  /** The existing fields the merge widens, in column order. */
  widenedFields: PlannedField[];
  /** How many invalid values and rows the analysis counted; above zero the load cannot succeed. */
  expectedIssues: number;
}
