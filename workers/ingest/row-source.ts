import type { UploadStore } from '../../server/storage/upload-store.js';
import type { ScanProgress } from './csv-scan.js';
import { isBlankRecord } from './csv-scan.js';
import { readCsvBatches } from './csv-source.js';
import { FeatureCellMapper, featureProblem, type FeatureLike } from './feature-rows.js';
import { FeatureCollectionReader } from './geojson-source.js';
import type { ImportPlan } from './import-plan.js';
import type { RowNormaliser, StagingRow } from './row-normaliser.js';
import { openTextStream } from './text-stream.js';

/** The file a pass reads, and how it reports progress. */
export interface RowSourceInput {
  uploads: UploadStore;
  storageKey: string;
  sizeBytes: number;
  plan: ImportPlan;
  normaliser: RowNormaliser;
  progress: ScanProgress;
}

/**
 * Reads the file again and yields its valid rows normalised, one batch per chunk read. Invalid
 * rows go to the normaliser's issue collector and are left out of the batches.
 */
export function normalisedBatches(input: RowSourceInput): AsyncGenerator<StagingRow[]> {
  return input.plan.format === 'csv' ? csvRows(input) : featureRows(input);
}

async function* csvRows(input: RowSourceInput): AsyncGenerator<StagingRow[]> {
  const { plan, normaliser } = input;
  const stream = openTextStream(input.uploads, input.storageKey, plan.encoding);
  let rowsDone = 0;

  for await (const batch of readCsvBatches(stream, plan.delimiter ?? ',')) {
    const rows: StagingRow[] = [];
    const brokenRecords = new Map(batch.errors.map((error) => [error.record, error.message]));
    batch.records.forEach((record, offset) => {
      const recordIndex = batch.firstRecord + offset;
      if (recordIndex === 0 || isBlankRecord(record)) return;
      rowsDone += 1;

      const position = { line: recordIndex + 1, feature: null };
      const syntaxError = brokenRecords.get(recordIndex);
      if (syntaxError !== undefined) {
        normaliser.rejectRow(position, `the row cannot be read: ${syntaxError}`);
        return;
      }
      if (record.length !== plan.width) {
        normaliser.rejectRow(position, `the row has ${record.length} values but the header has ${plan.width} columns`);
        return;
      }
      const row = normaliser.normalise(record, position);
      if (row) rows.push(row);
    });
    input.progress(rowsDone, fractionOf(batch.bytesRead, input.sizeBytes));
    yield rows;
  }
}

async function* featureRows(input: RowSourceInput): AsyncGenerator<StagingRow[]> {
  const { plan, normaliser } = input;
  const stream = openTextStream(input.uploads, input.storageKey, plan.encoding);
  const mapper = new FeatureCellMapper(plan.featureColumns);
  const reader = new FeatureCollectionReader(stream);
  let rowsDone = 0;

  for await (const batch of reader.batches()) {
    const rows: StagingRow[] = [];
    batch.features.forEach((feature, offset) => {
      rowsDone += 1;
      const position = { line: null, feature: batch.firstFeature + offset + 1 };
      const problem = featureProblem(feature);
      if (problem !== null) {
        normaliser.rejectRow(position, problem);
        return;
      }
      const value = feature as FeatureLike;
      const row = normaliser.normalise(mapper.cells(value), position, value.geometry);
      if (row) rows.push(row);
    });
    input.progress(rowsDone, fractionOf(batch.bytesRead, input.sizeBytes));
    yield rows;
  }
}

function fractionOf(bytesRead: number, sizeBytes: number): number {
  return sizeBytes > 0 ? Math.min(1, bytesRead / sizeBytes) : 1;
}
