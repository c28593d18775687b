import type { Knex } from 'knex';
import type { ImportCounts } from '../../common/api/imports.js';
import type { DatasetChange } from '../../common/events.js';
import { appendChange } from '../../server/domain/change-log.js';
import { ImportAlreadyMerged, ImportCancelled, ImportRejected } from './ingest-errors.js';
import type { PlannedField } from './import-plan.js';
import { STAGING_TABLE } from './staging-table.js';

/** The import's ids and the counts of the load, as the merge needs them. */
export interface MergeInput {
  importId: string;
  datasetId: string;
  userId: string | null;
  newFields: PlannedField[];
  /** Existing fields to widen (integer to number) because the file has decimals in them. */
  widenedFields: PlannedField[];
  /** Data rows in the file. */
  rows: number;
  /** Rows in the staging table. */
  loaded: number;
  located: number;
  /** Whether any row has qualified values, which become measurements. */
  hasQualifiedValues: boolean;
  /** The mapping to store on the import, for people to see how columns were read. */
  mapping: Record<string, unknown>;
}

/** The committed change and the import's final counts. */
export interface MergeResult {
  change: DatasetChange;
  counts: ImportCounts;
  /** Seconds each statement of the merge took, for the job's log line. */
  stepSeconds: Record<string, number>;
}

/**
 * Merges the staged rows into the dataset inside the load transaction: creates the new fields,
 * widens existing ones, inserts samples and measurements, appends one change-log entry and marks
 * the import completed.
 * The dataset row is locked first, so concurrent merges into one dataset run one after another,
 * and a second run of the same import finds the first one's change and stops.
 */
export async function mergeStaging(trx: Knex.Transaction, input: MergeInput): Promise<MergeResult> {
  await lockDataset(trx, input.datasetId);
  const merged = await trx('dataset_changes').where({ datasetId: input.datasetId, importId: input.importId }).first('seq');
  if (merged) throw new ImportAlreadyMerged(`Import ${input.importId} was merged as change ${String(merged.seq)}`);

  const timer = stepTimer();
  const fieldsAdded = await timer.time('fields', () => insertFields(trx, input.datasetId, input.newFields));
  const fieldsWidened = await timer.time('widening', () => widenFields(trx, input.datasetId, input.widenedFields));
  const samples = await timer.time('samples', () => insertSamples(trx, input));
  const measurements = input.hasQualifiedValues ? await timer.time('measurements', () => insertMeasurements(trx, input)) : 0;

  // Widened fields are named only when there are some, so the usual op and counts stay as they were.
  const widened = fieldsWidened.length > 0;
  const change = await appendChange(trx, {
    datasetId: input.datasetId,
    author: { type: 'import', id: input.importId, userId: input.userId },
    mutationId: null,
    ops: [{ type: 'import.merge', importId: input.importId, samplesAdded: samples, fieldsAdded, ...(widened ? { fieldsWidened } : {}) }],
  });

  const counts: ImportCounts = {
    rows: input.rows,
    samples,
    located: input.located,
    unlocated: samples - input.located,
    measurements,
    fieldsCreated: fieldsAdded.length,
    ...(widened ? { fieldsWidened: fieldsWidened.length } : {}),
    rejectedRows: 0,
  };
  await markCompleted(trx, input, counts, change.seq);
  return { change, counts, stepSeconds: timer.seconds };
}

function stepTimer() {
  const seconds: Record<string, number> = {};
  return {
    seconds,
    async time<T>(step: string, run: () => Promise<T>): Promise<T> {
      const started = performance.now();
      const result = await run();
      seconds[step] = Math.round(performance.now() - started) / 1000;
      return result;
    },
  };
}

async function lockDataset(trx: Knex.Transaction, datasetId: string): Promise<void> {
  const dataset = await trx('datasets').where({ id: datasetId }).forUpdate().first('id');
  if (!dataset) throw new ImportRejected('The dataset was deleted while the file was being imported.');
}

async function insertFields(trx: Knex.Transaction, datasetId: string, fields: readonly PlannedField[]): Promise<string[]> {
  if (fields.length === 0) return [];

  const existing = new Map<string, string>(
    (await trx('dataset_fields').where({ datasetId }).select('key', 'type')).map((row: { key: string; type: string }) => [row.key, row.type]),
  );
  const missing = fields.filter((field) => {
    const type = existing.get(field.key);
    // Another change may have created the field since the analysis; the same type can be shared.
    if (type !== undefined && type !== field.type) {
      throw new Error(`Field "${field.key}" was created as ${type} while the import planned it as ${field.type}; the retry re-reads the fields`);
    }
    return type === undefined;
  });
  if (missing.length === 0) return [];

  const { position } = (await trx('dataset_fields').where({ datasetId }).max({ position: 'position' }).first()) as { position: number | null };
  const first = (position ?? -1) + 1;
  await trx('dataset_fields').insert(
    missing.map((field, offset) => ({
      datasetId,
      key: field.key,
      label: field.label,
      type: field.type,
      unit: field.unit,
      position: first + offset,
    })),
  );
  return missing.map((field) => field.key);
}

/**
 * Changes integer fields to number and returns the keys of the fields changed. Every stored
 * integer is a valid number, so no value changes. A field that is already a number is left as it
 * is. A field retyped otherwise or deleted since the analysis fails the attempt, and the retry
 * plans again with the current fields.
 */
async function widenFields(trx: Knex.Transaction, datasetId: string, fields: readonly PlannedField[]): Promise<string[]> {
  if (fields.length === 0) return [];

  const keys = fields.map((field) => field.key);
  const current = new Map<string, string>(
    (await trx('dataset_fields').where({ datasetId }).whereIn('key', keys).select('key', 'type')).map((row: { key: string; type: string }) => [row.key, row.type]),
  );
  const toWiden = fields.filter((field) => {
    const type = current.get(field.key);
    if (type === field.type) return false;
    if (type !== field.widenedFrom) {
      throw new Error(`Field "${field.key}" is ${type ?? 'deleted'} while the import planned to widen it from ${String(field.widenedFrom)}; the retry re-reads the fields`);
    }
    return true;
  });
  if (toWiden.length === 0) return [];

  for (const field of toWiden) {
    await trx('dataset_fields').where({ datasetId, key: field.key }).update({ type: field.type, updatedAt: trx.fn.now() });
  }
  return toWiden.map((field) => field.key);
}

async function insertSamples(trx: Knex.Transaction, input: MergeInput): Promise<number> {
  // Only points come as longitude and latitude; other geometries are located at a point that
  // PostGIS guarantees to lie on them (ST_PointOnSurface), unlike a centroid.
  const result = await trx.raw(
    `INSERT INTO samples (id, dataset_id, ord, name, location, location_text, elevation, collected_at,
                          collected_at_precision, "values", import_id)
     SELECT s.id, ?, s.ord, s.name,
            CASE
              WHEN s.longitude IS NOT NULL THEN ST_SetSRID(ST_MakePoint(s.longitude, s.latitude), 4326)
              WHEN s.shape IS NOT NULL THEN ST_SetSRID(ST_PointOnSurface(ST_GeomFromGeoJSON(s.shape)), 4326)
            END,
            s.location_text, s.elevation, s.collected_at, s.collected_at_precision, s."values", ?
     FROM ${STAGING_TABLE} s`,
    [input.datasetId, input.importId],
  );
  return (result as { rowCount: number }).rowCount;
}

async function insertMeasurements(trx: Knex.Transaction, input: MergeInput): Promise<number> {
  // Each qualified cell is [qualifier, number or null, text as written]. Only "<" gives a
  // detection limit: ">" is an upper bound of the range, and "bdl" gives no number.
  const result = await trx.raw(
    `INSERT INTO measurements (sample_id, field_id, value_number, value_text, unit, qualifier, detection_limit, import_id)
     SELECT s.id, f.id, (q.value->>1)::double precision, q.value->>2, f.unit, q.value->>0,
            CASE WHEN q.value->>0 = '<' THEN (q.value->>1)::double precision END, ?
     FROM ${STAGING_TABLE} s
     CROSS JOIN LATERAL jsonb_each(s.qualified) AS q(key, value)
     JOIN dataset_fields f ON f.dataset_id = ? AND f.key = q.key
     WHERE s.qualified IS NOT NULL`,
    [input.importId, input.datasetId],
  );
  return (result as { rowCount: number }).rowCount;
}

async function markCompleted(trx: Knex.Transaction, input: MergeInput, counts: ImportCounts, changeSeq: number): Promise<void> {
  const updated = await trx('imports')
    .where({ id: input.importId, state: 'running' })
    .update({
      state: 'completed',
      phase: 'done',
      rowsDone: input.rows,
      rowsTotal: input.rows,
      counts: JSON.stringify(counts),
      issues: JSON.stringify([]),
      issueCount: 0,
      error: null,
      changeSeq,
      mapping: JSON.stringify(input.mapping),
      // now() would give the transaction's start, before the load; the finish is the clock time.
      finishedAt: trx.raw('clock_timestamp()'),
      updatedAt: trx.raw('clock_timestamp()'),
    })
    .returning('id');
  if (updated.length === 0) throw new ImportCancelled(`Import ${input.importId} is no longer running`);
}
