import type { FieldType } from '../../common/api/fields.js';
import type { CoordinateNotation, DateOrder, ImportArchiveEntry, ImportFormat, ImportQualifiedExample, TextEncodingName } from '../../common/api/imports.js';
import type { CsvDelimiter } from './csv-source.js';
import type { DateSystem } from './dates.js';
import type { EpochUnit } from './temporal.js';
import type { HeaderRename } from './header-fields.js';
import type { NumberStyle } from './numbers.js';
import type { RecordSpoolStamp } from './record-spool.js';

/** A dataset field a column fills: one that exists, or one the import creates. */
export interface PlannedField {
  key: string;
  label: string;
  type: FieldType;
  unit: string | null;
  /** Set for new fields whose header had to be renamed, so the header as written is kept. */
  description: string;
  /** True when the dataset already has this field. */
  existing: boolean;
  /** The existing field's type when the import widens it (integer to number); otherwise null. */
  widenedFrom: FieldType | null;
}

/**
 * The sample column or field a file column fills. A latitude or longitude column also fills the
 * dataset's field of the same key, when there is one; a geometry column is the location and a field.
 */
export type ColumnTarget =
  | { kind: 'name' }
  | { kind: 'latitude'; field: PlannedField | null }
  | { kind: 'longitude'; field: PlannedField | null }
  | { kind: 'geometry'; field: PlannedField }
  | ({ kind: 'collected_at' } & EpochReading)
  | { kind: 'elevation' }
  | { kind: 'field'; field: PlannedField }
  | { kind: 'skip' };

/**
 * The reading of a collection-time column of whole numbers: `epochMs` for milliseconds since
 * 1970-01-01 UTC, `epochSeconds` for seconds, and neither for dates and date-times. Plans stored
 * before seconds were read have no `epochSeconds`.
 */
export interface EpochReading {
  epochMs: boolean;
  epochSeconds?: boolean;
}

/** Returns the unit a collection-time column's numbers are read in, or null when it contains dates. */
export function epochUnitOf(reading: EpochReading | null | undefined): EpochUnit | null {
  if (reading?.epochSeconds) return 's';
  return reading?.epochMs ? 'ms' : null;
}

/** Returns the dataset field a column fills, or null when it fills only a sample column. */
export function targetField(target: ColumnTarget): PlannedField | null {
  if (target.kind === 'field' || target.kind === 'latitude' || target.kind === 'longitude' || target.kind === 'geometry') return target.field;
  return null;
}

/** The source of a GeoJSON column's values in a feature. */
export type FeatureColumnSource =
  | { kind: 'property'; name: string }
  | { kind: 'feature-id' }
  | { kind: 'third-coordinate' }
  | { kind: 'geometry' };

/** Counts of a column's cells, for the mapping shown to the uploader. */
export interface ColumnStats {
  present: number;
  missing: number;
  invalid: number;
  qualified: number;
}

/** One column of the file and what the import does with it. */
export interface PlannedColumn {
  /** Position of the column's cell in a source row. */
  index: number;
  /** The header or property name as written. */
  header: string;
  key: string;
  label: string;
  renamed: HeaderRename | null;
  target: ColumnTarget;
  dateOrder: DateOrder;
  dateOrderAmbiguous: boolean;
  /** Whether some values are dates that `dateOrder` reads, such as 03/04/2021. ISO dates and 2021/04/03 read one way only. */
  dateOrderMatters: boolean;
  /** Numbers in this date column are Excel serial day numbers. */
  excelSerialDates: boolean;
  coordinateNotation: CoordinateNotation | null;
  /** The first few values as written, for showing the mapping. */
  examples: string[];
  stats: ColumnStats;
  /** The first detection-limit cell the load reads, and how it reads it; absent when there is none. */
  qualifiedExample?: ImportQualifiedExample;
  notes: string[];
  /**
   * Missing-value codes read as text in this column, because most of its values are written the
   * same way (ND among US state codes). Absent in plans made before such codes were kept.
   */
  keptCodes?: string[];
}

/** The source of a sample's location. */
export type LocationSource =
  | { kind: 'columns'; latitude: number; longitude: number; swapped: boolean; longitudes360: boolean }
  | { kind: 'geometry'; column: number | null }
  | { kind: 'none' };

/** Where the table is and how its text is read. */
export interface SourcePlan {
  format: ImportFormat;
  container: 'zip' | null;
  /** Name of the table inside the ZIP archive. */
  entry: string | null;
  /** Every table in the ZIP archive, for choosing another; empty when the upload is not an archive. */
  tables: ImportArchiveEntry[];
  /** Path of the table unpacked next to the upload, when it is a workbook inside a ZIP archive. */
  unpacked: string | null;
  encoding: TextEncodingName | null;
  delimiter: CsvDelimiter | null;
  sheet: string | null;
  sheets: string[];
}

/**
 * The analysis of a file: how every column maps onto the dataset, and what is wrong with it. It is
 * stored as JSON on the import, so the load reads the file by it without analysing again.
 */
export interface ImportPlan {
  source: SourcePlan;
  /** Line or row number of the header; data rows come after it. Null for GeoJSON. */
  headerRow: number | null;
  style: NumberStyle;
  missingValues: string[];
  dateSystem: DateSystem;
  /** EPSG code of the coordinates, when they are not WGS 84 longitude and latitude. */
  crs: number | null;
  /** Number of header columns (tables), or of columns found in the features (GeoJSON). */
  width: number;
  columns: PlannedColumn[];
  /** For GeoJSON, where each column's value comes from, by column index. */
  featureColumns: FeatureColumnSource[];
  location: LocationSource;
  /** Data rows (tables) or features (GeoJSON). */
  rowsTotal: number;
  /** The fields the merge creates, in column order. */
  newFields: PlannedField[];
  /** The existing fields the merge widens, in column order. */
  widenedFields: PlannedField[];
  /** How many invalid values and rows the analysis counted from the column profiles. */
  expectedIssues: number;
  /** True when some values can only be checked by converting them (coordinates in other notations, geometries). */
  needsValidation: boolean;
  notes: string[];
  /**
   * The record spool the analysis wrote beside the upload with every record of the sheet, which
   * later passes read instead of the workbook. Absent for CSV and GeoJSON, when the spool was
   * abandoned, and in plans stored before spools existed.
   */
  recordSpool?: RecordSpoolStamp;
}
