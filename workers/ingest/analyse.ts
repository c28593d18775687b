import { open, stat } from 'node:fs/promises';
import type { ImportArchiveEntry, ImportMappingUpdate } from '../../common/api/imports.js';
import type { Logger } from '../../server/observability/logger.js';
import { detectDelimiter } from './csv-source.js';
import { crsProblem, epsgCodeOf, isKnownCrs } from '../../server/geo/crs.js';
import type { DateSystem } from './dates.js';
import { sniffFormat } from './format-sniffer.js';
import { MAX_FEATURE_COLUMNS, scanFeatures, type FeatureScan } from './geojson-scan.js';
import { JsonSyntaxError } from './geojson-source.js';
import { ImportRejected } from './ingest-errors.js';
import type { ImportPlan, SourcePlan } from './import-plan.js';
import { DEFAULT_MISSING_VALUE_CODES, MissingValues } from './missing-values.js';
import { detectNumberStyle, noShapeCounts, NUMBER_SHAPES, type NumberStyle } from './numbers.js';
import { inspectOds } from './ods-reader.js';
import { buildPlan, type ExistingField, type TableScan } from './plan-builder.js';
import { spoolSourceOf } from './record-spool.js';
import { RecordSpoolWriter, spoolLimitBytes } from './record-spool-writer.js';
import { MAX_TABLE_COLUMNS, scanTable, type ScanProgress } from './table-scan.js';
import { openTextInput, type TableLocation } from './table-source.js';
import { ENCODING_SAMPLE_BYTES, NotUtf8Error } from './text-decoding.js';
import { inspectXlsx } from './xlsx-reader.js';
import { isPlainText, resolveZipTable, type ZipTable } from './zip-table.js';

/** The file to analyse, the dataset it goes into, and the uploader's changes to an earlier mapping. */
export interface AnalyseInput {
  /** Absolute path of the uploaded file. */
  file: string;
  /** Opens the uploaded file as a byte stream; see TableLocation. */
  open?: TableLocation['open'];
  existingFields: ReadonlyMap<string, ExistingField>;
  overrides: ImportMappingUpdate;
  progress: ScanProgress;
  /**
   * Path of the record spool of an XLSX or ODS sheet, and the logger that records why a spool was
   * abandoned. Without it, no spool is written.
   */
  recordSpool?: { path: string; log: Logger };
}

/** The result of an analysis: a plan for the table, or the tables of a ZIP archive to choose from. */
export type Analysis = { kind: 'plan'; plan: ImportPlan } | { kind: 'table-choice'; tables: ImportArchiveEntry[]; notes: string[] };


/**
 * Reads the file once (GeoJSON, CSV, XLSX or ODS, directly or inside a ZIP archive) and decides how
 * it maps onto the dataset: encoding, delimiter, header row, number style, column types, date
 * orders, coordinates and the fields to create. A ZIP archive with several tables and no choice
 * among them (`overrides.entry`) returns the tables instead. Throws ImportRejected when the file
 * as a whole cannot be imported (empty, binary, not a FeatureCollection, no rows).
 */
export async function analyseFile(input: AnalyseInput): Promise<Analysis> {
  const head = await readHead(input.file, ENCODING_SAMPLE_BYTES);
  const sniffed = sniffFormat(head);
  if (sniffed.kind === 'empty') throw new ImportRejected('The file is empty; upload a table with a header row and at least one data row, or a GeoJSON FeatureCollection.');
  if (sniffed.kind === 'rejected') throw new ImportRejected(sniffed.reason);

  if (sniffed.kind === 'zip') {
    const resolved = await resolveZipTable(input.file, { entry: input.overrides.entry ?? null });
    if (resolved.kind === 'choice') return { kind: 'table-choice', tables: resolved.tables, notes: resolved.notes };
    const plan = await analyseZipTable(input, resolved.table);
    plan.notes.unshift(...resolved.table.notes);
    return { kind: 'plan', plan };
  }
  const source: SourcePlan = { format: sniffed.format, container: null, entry: null, tables: [], unpacked: null, encoding: sniffed.encoding, delimiter: null, sheet: null, sheets: [] };
  const plan = sniffed.format === 'geojson' ? await analyseGeoJson(input, source, sniffed.sample) : await analyseCsv(input, source, sniffed.sample);
  return { kind: 'plan', plan };
}

async function analyseZipTable(input: AnalyseInput, table: ZipTable): Promise<ImportPlan> {
  const source: SourcePlan = {
    format: table.format,
    container: table.container,
    entry: table.entry,
    tables: table.tables,
    unpacked: table.unpacked,
    encoding: table.encoding,
    delimiter: null,
    sheet: null,
    sheets: [],
  };
  if (table.format === 'geojson') return analyseGeoJson(input, source, table.sample!);
  if (table.format === 'csv') return analyseCsv(input, source, table.sample!);
  return analyseSpreadsheet(input, source);
}

async function analyseCsv(input: AnalyseInput, detected: SourcePlan, sample: string): Promise<ImportPlan> {
  const delimiter = input.overrides.delimiter ?? detectDelimiter(withoutPreamble(sample));
  if (delimiter === null) throw new ImportRejected(noDelimiterMessage(detected.entry));
  const notes: string[] = [];
  let encoding = input.overrides.encoding ?? detected.encoding ?? 'utf-8';
  let source: SourcePlan = { ...detected, encoding, delimiter };
  const missing = new MissingValues(input.overrides.missingValues ?? DEFAULT_MISSING_VALUE_CODES);

  let scan;
  try {
    scan = await scanTable(locationOf(input, source, true), missing, input.overrides.headerRow ?? null, input.progress);
  } catch (error) {
    if (!(error instanceof NotUtf8Error) || input.overrides.encoding) throw error;
    // The sample was UTF-8 but a later byte is not, as in a UTF-8 file appended to in Latin-1.
    encoding = 'windows-1252';
    source = { ...source, encoding };
    notes.push('The start of the file looked like UTF-8 but later bytes are not, so the whole file is read as Windows-1252.');
    scan = await scanTable(locationOf(input, source, true), missing, input.overrides.headerRow ?? null, input.progress);
  }
  // Serial dates in a CSV count from 1900 unless the uploader sets the 1904 system of the workbook they came from.
  return planTable(input, source, scan, missing, input.overrides.dateSystem ?? '1900', notes);
}

/**
 * Says that no delimiter was found. For a file inside a ZIP archive it names the file, which may
 * be a readme or notes rather than a table.
 */
function noDelimiterMessage(entry: string | null): string {
  const advice = 'separate the columns with commas, semicolons, tabs or "|", with the same number of columns in every row.';
  if (entry === null) return `No column delimiter was found in the first rows; ${advice}`;
  if (isPlainText(entry)) {
    return `The ZIP archive holds no table: "${entry}" has no column delimiter in its first rows, so it looks like notes rather than a table. Put the CSV, TSV, XLSX, ODS or GeoJSON table in the archive and upload it again.`;
  }
  return `No column delimiter was found in the first rows of "${entry}" in the ZIP archive; ${advice}`;
}

async function analyseSpreadsheet(input: AnalyseInput, detected: SourcePlan): Promise<ImportPlan> {
  const archiveFile = detected.unpacked ?? input.file;
  const { ZipArchive } = await import('./zip-archive.js');
  const archive = await ZipArchive.open(archiveFile);
  let info;
  try {
    info = detected.format === 'xlsx' ? await inspectXlsx(archive) : await inspectOds(archive);
  } finally {
    archive.close();
  }
  if (info.sheets.length === 0) throw new ImportRejected('The workbook has no sheets.');
  const chosen = input.overrides.sheet;
  if (chosen !== undefined && !info.sheets.includes(chosen)) {
    throw new ImportRejected(`The workbook has no sheet named "${chosen}"; its sheets are ${info.sheets.map((name) => `"${name}"`).join(', ')}.`);
  }

  // Without a choice, sheets before the first table (a read-me, a title page) are passed over.
  const candidates = chosen === undefined ? info.sheets : [chosen];
  const missing = new MissingValues(input.overrides.missingValues ?? DEFAULT_MISSING_VALUE_CODES);
  const passed: string[] = [];
  for (const [position, sheet] of candidates.entries()) {
    const source: SourcePlan = { ...detected, encoding: null, sheet, sheets: info.sheets };
    const location = locationOf(input, source, true);
    const spool = input.recordSpool ? await startRecordSpool(input.recordSpool, location) : null;
    try {
      const scan = await scanTable(location, missing, input.overrides.headerRow ?? null, input.progress, spool);
      if (!containsTable(scan) && position < candidates.length - 1) {
        passed.push(sheet);
        continue;
      }
      const dateSystem = input.overrides.dateSystem ?? info.dateSystem;
      const notes = [`${sheetNote(sheet, info.sheets, passed)}${dateSystem === '1904' ? ' The workbook counts dates from 1904 (the old Mac date system).' : ''}`];
      const plan = planTable(input, source, scan, missing, dateSystem, notes);
      const stamp = await spool?.commit();
      if (stamp) plan.recordSpool = stamp;
      return plan;
    } finally {
      await spool?.abort();
    }
  }
  throw new Error('unreachable: the last sheet is always planned');
}

/** Tells whether a sheet's scan found a table: a header of two columns or more and two data rows or more. */
function containsTable(scan: Awaited<ReturnType<typeof scanTable>>): boolean {
  return scan.headers.length >= 2 && scan.rows >= 2;
}

/** Builds the note that names the sheet read and the sheets before it passed over for containing no table. */
function sheetNote(sheet: string, sheets: readonly string[], passed: readonly string[]): string {
  if (sheets.length === 1) return `Sheet "${sheet}", the only one in the workbook.`;
  const names = passed.map((name) => `"${name}"`).join(', ');
  const skipped =
    passed.length === 0
      ? ''
      : passed.length === 1
        ? ` Sheet ${names} before it holds no table and is passed over; choose it under Sheet to read it anyway.`
        : ` Sheets ${names} before it hold no table and are passed over; choose one under Sheet to read it anyway.`;
  return `Sheet "${sheet}", one of ${sheets.length} in the workbook.${skipped}`;
}

/** Starts the record spool of a workbook, limited in size by the workbook's size. */
async function startRecordSpool(target: { path: string; log: Logger }, location: TableLocation): Promise<RecordSpoolWriter> {
  const workbookBytes = (await stat(location.file)).size;
  return RecordSpoolWriter.create(target.path, spoolSourceOf(location), spoolLimitBytes(workbookBytes), target.log);
}

function planTable(input: AnalyseInput, source: SourcePlan, scan: Awaited<ReturnType<typeof scanTable>>, missing: MissingValues, dateSystem: DateSystem, notes: string[]): ImportPlan {
  if (scan.headers.length > MAX_TABLE_COLUMNS) {
    throw new ImportRejected(`The table has ${scan.headers.length} columns, more than the ${MAX_TABLE_COLUMNS} a dataset can take; split it into several files.`);
  }
  if (scan.rows === 0) throw new ImportRejected('The table has a header row but no data rows; add at least one row below the header.');
  if (scan.skippedAbove > 0) {
    // Every line or row above the header counts, blank ones too, so the number matches the file as opened.
    const place = source.format === 'csv' ? 'line' : 'row';
    const above = scan.headerRow - 1;
    notes.push(`The header is on ${place} ${scan.headerRow}; the ${above} ${above === 1 ? place : `${place}s`} above it (titles, comments, metadata) are not imported.`);
  }

  const style = numberStyleOf(input, scan);
  if (style.decimal === ',' || style.group !== '') notes.push(`Numbers use "${style.decimal}" as the decimal mark${style.group === '' ? '' : ` and "${style.group === ' ' ? 'space' : style.group}" between digit groups`}.`);
  const crs = input.overrides.crs !== undefined ? input.overrides.crs : crsFromHeaders(scan.headers);
  if (crs !== null) notes.push(`Coordinates are read in EPSG:${crs} and stored in WGS 84.`);
  else if (input.overrides.crs === undefined) notes.push(...unusableHeaderCrsNotes(scan.headers));

  return buildPlan({
    source,
    headerRow: scan.headerRow,
    scan,
    featureSources: [],
    hasGeometries: false,
    existingFields: input.existingFields,
    style,
    missingValues: [...missing.codes],
    dateSystem,
    crs,
    overrides: input.overrides,
    notes,
  });
}

async function analyseGeoJson(input: AnalyseInput, source: SourcePlan, _sample: string): Promise<ImportPlan> {
  const missing = new MissingValues(input.overrides.missingValues ?? DEFAULT_MISSING_VALUE_CODES);
  const text = await openTextInput(locationOf(input, source, true));
  let scan: FeatureScan;
  try {
    scan = await scanFeatures(text.stream, text.fraction, missing, input.progress);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new ImportRejected(`The file is not valid JSON (${error.message}); check that it is complete and is a GeoJSON FeatureCollection, or upload it as CSV.`);
  } finally {
    text.close();
  }

  rejectUnlessFeatureCollection(scan);
  if (scan.rows === 0) throw new ImportRejected('The FeatureCollection has no features; add at least one feature.');
  if (scan.tooManyColumns) {
    throw new ImportRejected(`The features have more than ${MAX_FEATURE_COLUMNS} distinct properties, more than a dataset can take; split the file or drop properties.`);
  }
  const crs = input.overrides.crs !== undefined ? input.overrides.crs : geoJsonCrs(scan);
  const notes = crs === null ? [] : [`The collection's coordinates are in EPSG:${crs}; they are transformed to WGS 84.`];

  return buildPlan({
    source,
    headerRow: null,
    scan,
    featureSources: scan.sources,
    hasGeometries: scan.geometries > 0,
    existingFields: input.existingFields,
    style: { decimal: '.', group: '' },
    missingValues: [...missing.codes],
    dateSystem: '1900',
    crs,
    overrides: input.overrides,
    notes,
  });
}

function geoJsonCrs(scan: FeatureScan): number | null {
  if (scan.crsName === null) return null;
  const code = epsgCodeOf(scan.crsName);
  const problem = code === null ? null : crsProblem(code);
  if (code === null || problem !== null) {
    const reason = problem === null ? 'which the portal does not know' : `but ${problem}`;
    throw new ImportRejected(`The collection names the coordinate reference system "${scan.crsName}", ${reason}; give another EPSG code in the mapping or convert the file to WGS 84.`);
  }
  return code === 4326 ? null : code;
}

/** Explains why an EPSG code written in a header is not used, as for a CRS that needs a datum shift grid. */
function unusableHeaderCrsNotes(headers: readonly unknown[]): string[] {
  for (const header of headers) {
    const code = /EPSG[:\s]*(\d{4,6})/i.exec(String(header ?? ''))?.[1];
    const problem = code === undefined ? null : crsProblem(Number(code));
    if (problem !== null) return [`The header "${String(header)}" names EPSG:${code}, but ${problem}. Its coordinates are read as WGS 84 unless you give another EPSG code.`];
  }
  return [];
}

/** Returns the EPSG code written in a header's unit, as in "Easting [EPSG:2056]", or null. */
function crsFromHeaders(headers: readonly unknown[]): number | null {
  for (const header of headers) {
    const match = /EPSG[:\s]*(\d{4,6})/i.exec(String(header ?? ''));
    if (match && isKnownCrs(Number(match[1]))) return Number(match[1]) === 4326 ? null : Number(match[1]);
  }
  return null;
}

function numberStyleOf(input: AnalyseInput, scan: TableScan): NumberStyle {
  const totals = noShapeCounts();
  for (const profile of scan.profiles) {
    for (const shape of NUMBER_SHAPES) totals[shape] += profile.shapes[shape];
  }
  const detected = detectNumberStyle(totals);
  const decimal = input.overrides.decimalMark ?? detected.decimal;
  // A detected separator that is the uploader's decimal mark gives way to it, because one mark cannot do both.
  const group = input.overrides.thousandsSeparator ?? (detected.group === decimal ? '' : detected.group);
  return { decimal, group };
}

/** Returns the location of the plan's table, for the passes over it. */
export function locationOf(input: { file: string; open?: TableLocation['open'] }, source: SourcePlan, strict: boolean): TableLocation {
  const unpacked = source.unpacked !== null;
  return {
    ...(input.open && !unpacked && source.entry === null ? { open: input.open } : {}),
    file: unpacked ? source.unpacked! : input.file,
    format: source.format,
    entry: unpacked ? null : source.entry,
    encoding: source.encoding,
    delimiter: source.delimiter,
    sheet: source.sheet,
    strict,
  };
}

function rejectUnlessFeatureCollection(scan: FeatureScan): void {
  if (scan.rootType === 'FeatureCollection' && scan.hasFeaturesMember) return;

  if (scan.rootType === 'Feature') {
    throw new ImportRejected('The file is a single GeoJSON Feature; wrap it in a FeatureCollection ({"type": "FeatureCollection", "features": [...]}) and upload it again.');
  }
  if (scan.rootType === 'FeatureCollection') {
    throw new ImportRejected('The FeatureCollection has no "features" array; add the features as an array in its "features" member.');
  }
  const found = scan.rootType === null ? 'JSON without a GeoJSON "type"' : `GeoJSON of type "${scan.rootType}"`;
  throw new ImportRejected(`The file is ${found}, not a GeoJSON FeatureCollection; upload a FeatureCollection or a CSV file.`);
}

// Title and comment lines above the header would confuse the delimiter guess, which wants
// consistent rows. So lines without any candidate delimiter and "#" lines are left out of the sample.
function withoutPreamble(sample: string): string {
  const lines = sample.split(/\r?\n/).slice(0, 200);
  const kept = lines.filter((line) => !line.trimStart().startsWith('#') && /[,;\t|]/.test(line));
  return kept.length > 0 ? kept.join('\n') : sample;
}

/** Reads the first bytes of a file. */
export async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
