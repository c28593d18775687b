import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ImportCounts, ImportIssue } from '../../common/api/imports.js';
import type { DatasetChange } from '../../common/events.js';
import { attachSegment, beginSegmentLoad, createSegmentTable, endSegmentLoad } from '../../server/db/location-segments.js';
import { appendChange } from '../../server/domain/change-log.js';
import { BINARY_COPY_HEADER, BINARY_COPY_TRAILER, encodePoints, POINT_COPY_COLUMNS, SAMPLE_COPY_COLUMNS, SampleRecordEncoder } from './copy-binary.js';
import { CopySpool } from './copy-spool.js';
import { measurementLines, MEASUREMENT_COPY_COLUMNS, type MeasuredField } from './copy-text.js';
import { ImportAlreadyMerged, ImportCancelled, ImportRejected } from './ingest-errors.js';
import type { ImportPlan, PlannedField } from './import-plan.js';
import type { SampleRow } from './row-normaliser.js';
import { SampleIds } from './sample-ids.js';

/** The import's ids and what the merge needs to know about the load. */
export interface MergeInput {
  importId: string;
  datasetId: string;
  userId: string | null;
  plan: ImportPlan;
  /** The mapping to store on the import, for people to see how columns were read. */
  mapping: Record<string, unknown>;
  /** Path of the file that keeps the measurements of qualified values until the samples are in. */
  spoolPath: string;
  /** Path of the file that keeps the samples' points until the samples are in. */
  pointSpoolPath: string;
  /** Minimum number of rows for which the import gets a location segment of its own (SEGMENT_MIN_ROWS). */
  segmentMinRows: number;
}

/** Hooks through which the load reports progress and learns of a cancel. */
export interface MergeHooks {
  /** Called once every row was sent, when PostgreSQL finishes indexes, measurements and counts. */
  indexing(): Promise<void>;
  /** Throws ImportCancelled when the import was cancelled. */
  checkCancelled(): void;
  /** Counts of the rows read so far: those loaded and those left out as invalid. */
  counts(): { located: number; rejectedRows: number };
  /** Called after every row was read: the invalid values the review did not list, to store with the import, or null. */
  issuesFound(): Promise<FoundIssues | null>;
}

/** Invalid values that the load found and the review did not list, with the report file listing them all. */
export interface FoundIssues {
  issues: ImportIssue[];
  issueCount: number;
  reportKey: string;
}

/** The committed change and the import's final counts. */
export interface MergeResult {
  change: DatasetChange;
  counts: ImportCounts;
  /** Seconds each step of the merge took, for the job's log line. */
  stepSeconds: Record<string, number>;
}

// Loads into one dataset wait for each other (so their rows keep file order), without holding
// the dataset's row lock, which live edits need, for the whole load.
const DATASET_LOAD_LOCK = 4_000_404;

/**
 * Loads an import's rows straight into `samples` with COPY, in one transaction that also creates
 * and widens fields, writes measurements, appends one change-log entry and marks the import
 * completed. A crash, a cancel or an invalid row under the "reject" policy rolls all of it back.
 * A second run of an import that already committed finds its change and stops.
 */
export async function loadAndMerge(knex: Knex, input: MergeInput, rows: AsyncIterable<SampleRow[]>, hooks: MergeHooks): Promise<MergeResult> {
  const timer = stepTimer();
  try {
    return await knex.transaction(async (trx) => {
      await trx.raw('SELECT pg_advisory_xact_lock(?, hashtext(?))', [DATASET_LOAD_LOCK, input.datasetId]);
      const dataset = await trx('datasets').where({ id: input.datasetId }).first('id');
      if (!dataset) throw new ImportRejected('The dataset was deleted while the file was being imported.');
      const merged = await trx('dataset_changes').where({ datasetId: input.datasetId, importId: input.importId }).first('seq');
      if (merged) throw new ImportAlreadyMerged(`Import ${input.importId} was merged as change ${String(merged.seq)}`);

      const fieldsAdded = await timer.time('fields', () => insertFields(trx, input.datasetId, input.plan.newFields));
      const fieldsWidened = await timer.time('widening', () => widenFields(trx, input.datasetId, input.plan.widenedFields));
      const measured = await measuredFields(trx, input.datasetId);

      // A small import leaves its points to the triggers, which index them in the live segment.
      const segment = input.plan.rowsTotal >= input.segmentMinRows ? await openSegment(trx, input) : null;
      const spools: LoadSpools = { measurements: new CopySpool(input.spoolPath), points: segment?.points ?? null };
      const samples = await timer.time('samples', () => copySamples(trx, input, rows, measured, spools, hooks));
      const measurements = await timer.time('measurements', () => copySpool(trx, 'measurements', MEASUREMENT_COPY_COLUMNS, spools.measurements));
      const shapes = input.plan.location.kind === 'geometry';
      if (segment) {
        let points = await timer.time('points', () => copySpool(trx, segment.table, POINT_COPY_COLUMNS, segment.points, 'binary'));
        if (shapes) points += await timer.time('shapes', () => locateShapes(trx, input, segment.table));
        await endSegmentLoad(trx);
        await timer.time('segment', () => attachSegment(trx, input.importId, input.datasetId, points));
      } else if (shapes) {
        await timer.time('shapes', () => locateShapes(trx, input, null));
      }

      // Widened fields are named only when there are some, so the usual op and counts stay as they were.
      const widened = fieldsWidened.length > 0;
      const change = await appendChange(trx, {
        datasetId: input.datasetId,
        author: { type: 'import', id: input.importId, userId: input.userId },
        mutationId: null,
        ops: [{ type: 'import.merge', importId: input.importId, samplesAdded: samples, fieldsAdded, ...(widened ? { fieldsWidened } : {}) }],
      });

      const { located, rejectedRows } = hooks.counts();
      const counts: ImportCounts = {
        rows: input.plan.rowsTotal,
        samples,
        located,
        unlocated: samples - located,
        measurements,
        fieldsCreated: fieldsAdded.length,
        ...(widened ? { fieldsWidened: fieldsWidened.length } : {}),
        rejectedRows,
      };
      await markCompleted(trx, input, counts, change.seq, await hooks.issuesFound());
      return { change, counts, stepSeconds: timer.seconds };
    });
  } finally {
    await Promise.all([rm(input.spoolPath, { force: true }), rm(input.pointSpoolPath, { force: true })]);
  }
}

/** The files that keep what the samples COPY cannot send at the same time; no points without a segment. */
interface LoadSpools {
  measurements: CopySpool;
  points: CopySpool | null;
}

/** An import's own location segment: its table, and the file that keeps its points until the samples are in. */
interface OpenSegment {
  table: string;
  points: CopySpool;
}

/** Marks the transaction as the load of the import's segment and creates the segment's table. */
async function openSegment(trx: Knex.Transaction, input: MergeInput): Promise<OpenSegment> {
  await beginSegmentLoad(trx, input.importId);
  const table = await createSegmentTable(trx, input.importId, input.datasetId);
  return { table, points: new CopySpool(input.pointSpoolPath, { header: BINARY_COPY_HEADER, trailer: BINARY_COPY_TRAILER }) };
}

async function copySamples(
  trx: Knex.Transaction,
  input: MergeInput,
  batches: AsyncIterable<SampleRow[]>,
  measured: ReadonlyMap<string, MeasuredField>,
  spools: LoadSpools,
  hooks: MergeHooks,
): Promise<number> {
  const sampleIds = new SampleIds();
  const encoder = new SampleRecordEncoder(input.datasetId, input.importId);
  let loaded = 0;
  async function* records(): AsyncGenerator<Buffer> {
    yield BINARY_COPY_HEADER;
    for await (const rows of batches) {
      hooks.checkCancelled();
      if (rows.length === 0) continue;
      const ids = sampleIds.batch(rows.length);
      rows.forEach((row, index) => {
        if (!row.qualified) return;
        const lines = measurementLines(ids.text(index), input.importId, row.qualified, measured);
        spools.measurements.add(lines, countLines(lines));
      });
      if (spools.points) {
        const points = encodePoints(ids, rows);
        spools.points.add(points.data, points.count);
      }
      loaded += rows.length;
      await Promise.all([spools.measurements.drain(), spools.points?.drain()]);
      yield encoder.encode(ids, rows);
    }
    yield BINARY_COPY_TRAILER;
    await hooks.indexing();
  }

  await copyInto(trx, 'samples', SAMPLE_COPY_COLUMNS, records(), 'binary');
  return loaded;
}

/** Copies what a spool kept into its table, and returns the number of records. */
async function copySpool(trx: Knex.Transaction, table: string, columns: readonly string[], spool: CopySpool, format: 'text' | 'binary' = 'text'): Promise<number> {
  await spool.close();
  if (spool.records > 0) await copyInto(trx, table, columns, createReadStream(spool.path), format);
  return spool.records;
}

/**
 * Streams COPY data, text or binary, into a table over the transaction's own connection, with
 * backpressure: the source is read only as fast as PostgreSQL takes the data. If the source
 * throws, the COPY is aborted and the error is passed on.
 */
async function copyInto(trx: Knex.Transaction, table: string, columns: readonly string[], source: AsyncIterable<string | Buffer>, format: 'text' | 'binary' = 'text'): Promise<void> {
  // A transaction's client hands out the transaction's connection, so COPY runs inside it.
  const connection = (await trx.client.acquireConnection()) as pg.PoolClient;
  const list = columns.map((column) => `"${column}"`).join(', ');
  const copy = connection.query(copyFrom(`COPY ${table} (${list}) FROM STDIN (FORMAT ${format})`));
  await pipeline(source instanceof Readable ? source : Readable.from(source), copy);
}

function countLines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}

/**
 * Gives samples located by a line or polygon their location: a point PostGIS guarantees to lie on
 * the shape (ST_PointOnSurface), unlike a centroid. Their shape is the value of the geometry field.
 * The points go into the import's segment, or without one into the live segment through the
 * triggers. Returns how many points went into the segment.
 */
async function locateShapes(trx: Knex.Transaction, input: MergeInput, segment: string | null): Promise<number> {
  const location = input.plan.location;
  const column = location.kind === 'geometry' && location.column !== null ? input.plan.columns[location.column] : input.plan.columns.find((candidate) => candidate.target.kind === 'field' && candidate.target.field.type === 'geometry');
  if (!column) return 0;
  const locate = `UPDATE samples SET location = ST_SetSRID(ST_PointOnSurface(ST_GeomFromGeoJSON("values"->?)), 4326)
    WHERE import_id = ? AND dataset_id = ? AND location IS NULL AND ("values"->?) IS NOT NULL
    RETURNING id, location`;
  const bindings = [column.key, input.importId, input.datasetId, column.key];
  if (segment === null) {
    await trx.raw(locate, bindings);
    return 0;
  }
  const result: { rowCount: number | null } = await trx.raw(
    `WITH located AS (${locate}) INSERT INTO ?? (sample_id, location) SELECT id, location FROM located WHERE location IS NOT NULL`,
    [...bindings, segment],
  );
  return result.rowCount ?? 0;
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

async function measuredFields(trx: Knex.Transaction, datasetId: string): Promise<Map<string, MeasuredField>> {
  const rows: { key: string; id: string; unit: string | null }[] = await trx('dataset_fields').where({ datasetId }).select('key', 'id', 'unit');
  return new Map(rows.map((row) => [row.key, { id: row.id, unit: row.unit }]));
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
      throw fieldsChanged(`field "${field.key}" was created as ${type}, but the import planned it as ${field.type}`);
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
      description: field.description ?? '',
      position: first + offset,
    })),
  );
  return missing.map((field) => field.key);
}

/**
 * Builds the rejection of a load whose plan no longer fits the dataset's fields, because someone
 * changed them after the analysis. A change of the mapping analyses the file again.
 */
function fieldsChanged(detail: string): ImportRejected {
  return new ImportRejected(`The dataset's fields changed after the file was analysed: ${detail}. Nothing was loaded; change the mapping (or save it unchanged) to analyse the file again.`);
}

/**
 * Changes integer fields to number and returns the keys of the fields changed. Every stored
 * integer is a valid number, so no value changes. A field that is already a number is left as it
 * is. A field retyped otherwise or deleted since the analysis rejects the load.
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
      throw fieldsChanged(`field "${field.key}" is ${type ?? 'deleted'}, but the import planned to widen it from ${String(field.widenedFrom)}`);
    }
    return true;
  });
  if (toWiden.length === 0) return [];

  for (const field of toWiden) {
    await trx('dataset_fields').where({ datasetId, key: field.key }).update({ type: field.type, updatedAt: trx.fn.now() });
  }
  return toWiden.map((field) => field.key);
}

async function markCompleted(trx: Knex.Transaction, input: MergeInput, counts: ImportCounts, changeSeq: number, found: FoundIssues | null): Promise<void> {
  const updated = await trx('imports')
    .where({ id: input.importId, state: 'running' })
    .update({
      state: 'completed',
      phase: 'done',
      rowsDone: input.plan.rowsTotal,
      rowsTotal: input.plan.rowsTotal,
      counts: JSON.stringify(counts),
      error: null,
      changeSeq,
      mapping: JSON.stringify(input.mapping),
      ...(found ? { issues: JSON.stringify(found.issues), issueCount: found.issueCount, reportKey: found.reportKey } : {}),
      // now() would give the transaction's start, before the load; the finish is the clock time.
      finishedAt: trx.raw('clock_timestamp()'),
      updatedAt: trx.raw('clock_timestamp()'),
      heartbeatAt: trx.raw('clock_timestamp()'),
    })
    .returning('id');
  if (updated.length === 0) throw new ImportCancelled(`Import ${input.importId} is no longer running`);
}
