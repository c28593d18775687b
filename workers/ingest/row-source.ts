import { transformFromEpsg, transformGeometry, WGS84 } from '../../server/geo/crs.js';
import { FeatureCellMapper, featureProblem, type FeatureLike } from './feature-rows.js';
import { FeatureCollectionReader } from './geojson-source.js';
import type { ImportPlan } from './import-plan.js';
import type { RowNormaliser, SampleRow } from './row-normaliser.js';
import { forEachRecord, raggedRowProblem, type ScanProgress } from './table-scan.js';
import { openTextInput, readRecords, type RecordBatch, type TableLocation } from './table-source.js';

/** The file a pass reads, and how it reports progress. */
export interface RowSourceInput {
  location: TableLocation;
  /** The table's records from the analysis's record spool; when null or absent, the pass reads `location`. */
  records?: AsyncIterable<RecordBatch> | null;
  plan: ImportPlan;
  normaliser: RowNormaliser;
  progress: ScanProgress;
}

/**
 * Reads the file again, or the records spooled from it, and yields its valid rows normalised, one
 * batch per chunk read. Invalid rows go to the normaliser's issue collector and are left out of
 * the batches.
 */
export function normalisedBatches(input: RowSourceInput): AsyncGenerator<SampleRow[]> {
  return input.plan.source.format === 'geojson' ? featureRows(input) : tableRows(input);
}

async function* tableRows(input: RowSourceInput): AsyncGenerator<SampleRow[]> {
  const { plan, normaliser } = input;
  const headerRow = plan.headerRow ?? 1;
  const csv = plan.source.format === 'csv';
  let rowsDone = 0;

  for await (const batch of input.records ?? readRecords(input.location)) {
    const rows: SampleRow[] = [];
    forEachRecord(batch, (record, rowNumber, error) => {
      if (rowNumber <= headerRow) return;
      rowsDone += 1;
      const position = { line: rowNumber, feature: null };
      if (error !== undefined) {
        normaliser.rejectRow(position, `the row cannot be read: ${error}`);
        return;
      }
      const ragged = raggedRowProblem(record, plan.width, csv);
      if (ragged !== null) {
        normaliser.rejectRow(position, ragged);
        return;
      }
      const row = normaliser.normalise(record, position);
      if (row) rows.push(row);
    });
    input.progress(rowsDone, batch.fraction);
    yield rows;
  }
}

async function* featureRows(input: RowSourceInput): AsyncGenerator<SampleRow[]> {
  const { plan, normaliser } = input;
  const text = await openTextInput(input.location);
  const mapper = new FeatureCellMapper(plan.featureColumns);
  const reader = new FeatureCollectionReader(text.stream, text.fraction);
  const transform = plan.crs === null || plan.crs === WGS84 ? null : transformFromEpsg(plan.crs);
  let rowsDone = 0;

  try {
    for await (const batch of reader.batches()) {
      const rows: SampleRow[] = [];
      batch.features.forEach((feature, offset) => {
        rowsDone += 1;
        const position = { line: null, feature: batch.firstFeature + offset + 1 };
        const problem = featureProblem(feature);
        if (problem !== null) {
          normaliser.rejectRow(position, problem);
          return;
        }
        const value = feature as FeatureLike;
        // A collection in another CRS is transformed once here, before its geometry is both the location and a field value.
        if (transform && value.geometry && typeof value.geometry === 'object') transformGeometry(value.geometry as { type: string }, transform);
        const row = normaliser.normalise(mapper.cells(value), position, value.geometry);
        if (row) rows.push(row);
      });
      input.progress(rowsDone, batch.fraction);
      yield rows;
    }
  } finally {
    text.close();
  }
}
