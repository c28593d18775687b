import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';
import { FIELD_TYPES } from './fields.js';

/** Table formats the worker reads. A ZIP upload takes the format of the table chosen inside it. */
export const IMPORT_FORMATS = ['csv', 'geojson', 'xlsx', 'ods'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * The stage of an import's life: the file arrives (`uploading`), waits for a worker (`queued`),
 * is analysed or loaded (`running`), waits for the uploader to check the mapping
 * (`awaiting_review`), and ends `completed`, `failed` or `cancelled`.
 */
export const IMPORT_STATES = ['uploading', 'queued', 'running', 'awaiting_review', 'completed', 'failed', 'cancelled'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** The step an import is at: the transfer, the analysis, the review, loading rows, then updating indexes and counts. */
export const IMPORT_PHASES = ['uploading', 'queued', 'analysing', 'review', 'loading', 'indexing', 'done'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/** The target of a file column in the dataset. */
export const COLUMN_TARGETS = ['field', 'name', 'latitude', 'longitude', 'geometry', 'collected_at', 'elevation', 'skip'] as const;
export type ColumnTarget = (typeof COLUMN_TARGETS)[number];

/** The order of day, month and year in a date written with separators, such as 03/04/2021. */
export const DATE_ORDERS = ['dmy', 'mdy', 'ymd'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

/** The notation a coordinate column writes its values in. */
export const COORDINATE_NOTATIONS = ['decimal', 'ddm', 'dms', 'mixed'] as const;
export type CoordinateNotation = (typeof COORDINATE_NOTATIONS)[number];

/** Text encodings the analysis recognises. */
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

export const DECIMAL_MARKS = ['.', ','] as const;
export type DecimalMarkName = (typeof DECIMAL_MARKS)[number];

/** Digit group separators: none, comma, dot, space (also no-break and thin spaces) and apostrophe. */
export const THOUSANDS_SEPARATORS = ['', ',', '.', ' ', "'"] as const;
export type ThousandsSeparator = (typeof THOUSANDS_SEPARATORS)[number];

/** The handling of rows that fail validation when the load starts. */
export const INVALID_ROW_POLICIES = ['reject', 'skip'] as const;
export type InvalidRowPolicy = (typeof INVALID_ROW_POLICIES)[number];

/** The reason a column's field key differs from its header. */
export const HEADER_RENAMES = ['blank', 'duplicate', 'too_long'] as const;

export const importIssue = z
  .object({
    line: z.number().int().nullable().meta({ description: 'Line or sheet row of the file (1 is the first), or null for a GeoJSON feature or the whole file.' }),
    feature: z.number().int().optional().meta({ description: 'Number of the GeoJSON feature (1 is the first); absent for tables.' }),
    column: z.string().nullable(),
    value: z.string().nullable(),
    reason: z.string(),
  })
  .meta({ id: 'ImportIssue' });
export type ImportIssue = z.infer<typeof importIssue>;

export const importCounts = z
  .object({
    rows: z.number().int(),
    samples: z.number().int(),
    located: z.number().int(),
    unlocated: z.number().int(),
    measurements: z.number().int(),
    fieldsCreated: z.number().int(),
    fieldsWidened: z.number().int().meta({ description: 'Existing integer fields changed to number because the file had decimals for them; absent when none.' }),
    rejectedRows: z.number().int().meta({ description: 'Rows with at least one invalid value; skipped when the load keeps only the valid rows.' }),
  })
  .partial()
  .meta({ id: 'ImportCounts' });
export type ImportCounts = z.infer<typeof importCounts>;

export const importQualifiedExample = z
  .object({
    text: z.string().meta({ description: 'The first detection-limit cell of the column, as written.' }),
    qualifier: z.enum(['<', '>', 'bdl']),
    value: z.number().nullable().meta({ description: 'The number read after the qualifier in the file\'s number style; null for BDL and the like.' }),
  })
  .meta({ id: 'ImportQualifiedExample' });
export type ImportQualifiedExample = z.infer<typeof importQualifiedExample>;

export const importColumn = z
  .object({
    index: z.number().int().min(0).meta({ description: 'Position of the column in the file, 0 for the first.' }),
    header: z.string().meta({ description: 'The header as written in the file.' }),
    key: z.string().meta({ description: 'Key of the dataset field the column fills (new or existing).' }),
    label: z.string(),
    renamed: z.enum(HEADER_RENAMES).nullable().meta({ description: 'Why the key was made up rather than derived from the header.' }),
    target: z.enum(COLUMN_TARGETS),
    type: z.enum(FIELD_TYPES),
    unit: z.string().nullable(),
    existingField: z.boolean(),
    dateOrder: z.enum(DATE_ORDERS).nullable().meta({ description: 'Order of day, month and year for dates written like 03/04/2021.' }),
    dateOrderAmbiguous: z.boolean().meta({ description: 'True when no value showed whether the day or the month comes first.' }),
    excelSerialDates: z.boolean().meta({ description: 'True when numbers in the column are read as Excel serial dates.' }),
    coordinateNotation: z.enum(COORDINATE_NOTATIONS).nullable(),
    examples: z.array(z.string()),
    present: z.number().int().meta({ description: 'Cells with a value.' }),
    missing: z.number().int().meta({ description: 'Cells that are empty or hold a missing-value code.' }),
    invalid: z.number().int().meta({ description: 'Cells whose value does not fit the type.' }),
    qualified: z.number().int().meta({ description: 'Cells such as <0.01 or BDL, stored as measurements with a qualifier.' }),
    qualifiedExample: importQualifiedExample.optional().meta({ description: 'How the first of those cells is read; absent when there are none.' }),
    notes: z.array(z.string()),
  })
  .meta({ id: 'ImportColumn' });
export type ImportColumn = z.infer<typeof importColumn>;

export const importArchiveEntry = z
  .object({
    path: z.string().meta({ description: 'Path of the file inside the ZIP archive.' }),
    format: z.enum(IMPORT_FORMATS).meta({ description: 'The format its file name extension stands for; the analysis reads the content to decide.' }),
    sizeBytes: z.number().int().meta({ description: 'Uncompressed size that the archive declares for the file.' }),
  })
  .meta({ id: 'ImportArchiveEntry' });
export type ImportArchiveEntry = z.infer<typeof importArchiveEntry>;

export const importMapping = z
  .object({
    format: z.enum(IMPORT_FORMATS).nullable().meta({ description: 'Null while a table of the ZIP archive has yet to be chosen.' }),
    container: z.enum(['zip']).nullable().meta({ description: 'Set when the table came out of a ZIP archive.' }),
    entry: z.string().nullable().meta({ description: 'Path of the table inside the ZIP archive; null while none is chosen.' }),
    entries: z.array(importArchiveEntry).meta({
      description:
        'Tables found in the ZIP archive, empty when the upload is not an archive. With several and no `entry` the import waits ' +
        'for the uploader to choose one with `PATCH /imports/{importId}/mapping` and `{"entry": path}`.',
    }),
    encoding: z.enum(TEXT_ENCODINGS).nullable(),
    delimiter: z.string().nullable(),
    decimalMark: z.enum(DECIMAL_MARKS),
    thousandsSeparator: z.enum(THOUSANDS_SEPARATORS),
    headerRow: z.number().int().min(1).nullable().meta({ description: 'Line (CSV) or row (spreadsheet) of the header; null for GeoJSON.' }),
    sheet: z.string().nullable(),
    sheets: z.array(z.string()),
    dateSystem: z.enum(['1900', '1904']),
    crs: z.number().int().nullable().meta({ description: 'EPSG code the coordinates are read in; they are stored in WGS 84 (EPSG:4326).' }),
    missingValues: z.array(z.string()),
    rows: z.number().int(),
    location: z.object({
      kind: z.enum(['columns', 'geometry', 'none']),
      latitude: z.string().nullable(),
      longitude: z.string().nullable(),
      swapped: z.boolean().meta({ description: 'True when the columns named latitude and longitude hold each other\'s values.' }),
      longitudes360: z.boolean().meta({ description: 'True when longitudes run from 0 to 360 and are converted to -180 to 180.' }),
    }),
    columns: z.array(importColumn),
    notes: z.array(z.string()).meta({ description: 'What the analysis found about the whole file.' }),
  })
  .meta({ id: 'ImportMapping' });
export type ImportMapping = z.infer<typeof importMapping>;

/** A change to one column of the mapping, by its index. */
const mappingColumnChange = {
  index: z.number().int().min(0),
  target: z.enum(COLUMN_TARGETS).optional(),
  type: z.enum(FIELD_TYPES).optional(),
  unit: z.string().trim().max(100).nullable().optional(),
  label: z.string().trim().min(1).max(300).optional(),
  dateOrder: z.enum(DATE_ORDERS).optional(),
  excelSerialDates: z.boolean().optional(),
};

/** The changes the uploader can make to the mapping as a whole. */
const mappingChange = {
  entry: z.string().min(1).max(1024).optional().meta({
    description: "Path of the table to import from the ZIP archive, one of the mapping's `entries`. Choosing another table discards the earlier changes, which described the previous table.",
  }),
  headerRow: z.number().int().min(1).max(1000).optional(),
  sheet: z.string().max(300).optional(),
  encoding: z.enum(TEXT_ENCODINGS).optional(),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  decimalMark: z.enum(DECIMAL_MARKS).optional(),
  thousandsSeparator: z.enum(THOUSANDS_SEPARATORS).optional(),
  dateSystem: z.enum(['1900', '1904']).optional(),
  crs: z.number().int().min(1024).max(999_999).nullable().optional(),
  missingValues: z.array(z.string().max(50)).max(50).optional(),
  columns: z.array(z.strictObject(mappingColumnChange, { error: unknownKeys(mappingColumnChange) })).max(1000).optional(),
};

/** Names the unknown keys of an object and the keys it takes, for a strict object's error. */
function unknownKeys(shape: Record<string, unknown>) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `unknown key ${(issue.keys ?? []).map((key) => `"${key}"`).join(', ')}; the keys are ${Object.keys(shape).join(', ')}` : undefined;
}

/**
 * Changes to the proposed mapping; the file is analysed again with them. Unknown keys are
 * rejected, because a misspelt change would otherwise be ignored without a word.
 */
export const importMappingUpdate = z
  .strictObject(mappingChange, { error: unknownKeys(mappingChange) })
  .meta({ id: 'ImportMappingUpdate' });
export type ImportMappingUpdate = z.infer<typeof importMappingUpdate>;

/** Tells whether an import waits for the uploader to choose which table of its ZIP archive to read. */
export function awaitsTableChoice(mapping: ImportMapping | null): boolean {
  return mapping !== null && mapping.container === 'zip' && mapping.entry === null;
}

/** Starts the load of a reviewed import. */
export const importStart = z
  .object({
    invalidRows: z.enum(INVALID_ROW_POLICIES).default('reject').meta({
      description: '`skip` loads the valid rows and leaves out the invalid ones; `reject` loads nothing when any row is invalid.',
    }),
  })
  .meta({ id: 'ImportStart' });
export type ImportStart = z.infer<typeof importStart>;

export const importRecord = z
  .object({
    id: uuid,
    datasetId: uuid,
    userId: uuid.nullable(),
    originalName: z.string(),
    sizeBytes: z.number().int(),
    bytesReceived: z.number().int(),
    checksumSha256: z.string().nullable().meta({ description: 'SHA-256 of the file, hex; null until the upload is complete.' }),
    format: z.enum(IMPORT_FORMATS).nullable(),
    state: z.enum(IMPORT_STATES),
    phase: z.enum(IMPORT_PHASES),
    stalled: z.boolean().meta({ description: 'True when the import is running but its worker has not reported for a while (it died or hangs).' }),
    heartbeatAt: isoDateTime.nullable(),
    rowsDone: z.number().int(),
    rowsTotal: z.number().int().nullable(),
    counts: importCounts,
    issueCount: z.number().int(),
    issues: z.array(importIssue).meta({ description: 'The first issues found; issueCount tells how many there were.' }),
    reportAvailable: z.boolean().meta({ description: 'True when every invalid row can be downloaded as CSV from GET /imports/{id}/issues.csv.' }),
    mapping: importMapping.nullable(),
    invalidRows: z.enum(INVALID_ROW_POLICIES).nullable(),
    error: z.string().nullable(),
    changeSeq: z.number().int().nullable(),
    createdAt: isoDateTime,
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Import' });
export type ImportRecord = z.infer<typeof importRecord>;
