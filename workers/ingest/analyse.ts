import type { ImportFormat } from '../../common/api/imports.js';
import type { UploadStore } from '../../server/storage/upload-store.js';
import { scanCsv, type ScanProgress, type TableScan } from './csv-scan.js';
import { detectDelimiter } from './csv-source.js';
import { SNIFF_BYTES, sniffFormat, type TextEncoding } from './format-sniffer.js';
import { MAX_FEATURE_COLUMNS, scanFeatures, type FeatureScan } from './geojson-scan.js';
import { JsonSyntaxError } from './geojson-source.js';
import { ImportRejected } from './ingest-errors.js';
import type { ImportPlan } from './import-plan.js';
import { buildPlan, type ExistingField } from './plan-builder.js';
import { openTextStream } from './text-stream.js';

/** Most columns a CSV file may have; each becomes a field. */
export const MAX_CSV_COLUMNS = 1000;

/** The file to analyse and the dataset it goes into. */
export interface AnalyseInput {
  uploads: UploadStore;
  storageKey: string;
  sizeBytes: number;
  /** The format the upload was recorded with; the content decides when they differ. */
  declaredFormat: ImportFormat;
  existingFields: ReadonlyMap<string, ExistingField>;
  progress: ScanProgress;
}

/**
 * Reads the file once and decides how it maps onto the dataset: format, encoding, delimiter,
 * column types, coordinates and the fields to create. Throws ImportRejected when the file as a
 * whole cannot be imported (empty, binary, not a FeatureCollection, no rows).
 */
export async function analyseFile(input: AnalyseInput): Promise<ImportPlan> {
  const sniffed = sniffFormat(await readHead(input.uploads, input.storageKey));
  if (sniffed.kind === 'empty') {
    throw new ImportRejected('The file is empty; upload a CSV file with a header row and at least one data row, or a GeoJSON FeatureCollection.');
  }
  if (sniffed.kind === 'rejected') throw new ImportRejected(sniffed.reason);

  if (sniffed.format === 'csv') return analyseCsv(input, sniffed.encoding, sniffed.sample);
  return analyseGeoJson(input, sniffed.encoding);
}

async function analyseCsv(input: AnalyseInput, encoding: TextEncoding, sample: string): Promise<ImportPlan> {
  const delimiter = detectDelimiter(sample);
  if (delimiter === null) {
    throw new ImportRejected(
      'No column delimiter was found in the first rows; separate the columns with commas, semicolons, tabs or "|", with the same number of columns in every row.',
    );
  }

  const stream = openTextStream(input.uploads, input.storageKey, encoding);
  const scan = await scanCsv(stream, delimiter, input.sizeBytes, input.progress);
  if (scan.headers.length > MAX_CSV_COLUMNS) {
    throw new ImportRejected(`The file has ${scan.headers.length} columns, more than the ${MAX_CSV_COLUMNS} a dataset can take; split it into several files.`);
  }
  rejectWithoutRows(scan, 'The file has a header row but no data rows; add at least one row below the header.');

  return buildPlan({
    format: 'csv',
    encoding,
    delimiter,
    scan,
    featureSources: [],
    hasGeometries: false,
    existingFields: input.existingFields,
  });
}

async function analyseGeoJson(input: AnalyseInput, encoding: TextEncoding): Promise<ImportPlan> {
  const stream = openTextStream(input.uploads, input.storageKey, encoding);

  let scan: FeatureScan;
  try {
    scan = await scanFeatures(stream, input.sizeBytes, input.progress);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new ImportRejected(
      `The file is not valid JSON (${error.message}); check that it is complete and is a GeoJSON FeatureCollection, or upload it as CSV.`,
    );
  }

  rejectUnlessFeatureCollection(scan);
  rejectWithoutRows(scan, 'The FeatureCollection has no features; add at least one feature.');
  if (scan.tooManyColumns) {
    throw new ImportRejected(
      `The features have more than ${MAX_FEATURE_COLUMNS} distinct properties, more than a dataset can take; split the file or drop properties.`,
    );
  }

  return buildPlan({
    format: 'geojson',
    encoding,
    delimiter: null,
    scan,
    featureSources: scan.sources,
    hasGeometries: scan.geometries > 0,
    existingFields: input.existingFields,
  });
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

function rejectWithoutRows(scan: TableScan, summary: string): void {
  if (scan.rows === 0) throw new ImportRejected(summary);
}

async function readHead(uploads: UploadStore, storageKey: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of uploads.openRead(storageKey, { start: 0, end: SNIFF_BYTES - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
