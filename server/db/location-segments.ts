import type { Knex } from 'knex';

/**
 * The id of the live segment. The spatial index of samples is `sample_locations`, a table
 * partitioned into segments (see the migration `20261208000100_sample_location_segments`):
 * - the live segment contains the points of samples added or moved one at a time, kept by triggers.
 * - Each import that located samples has a segment of its own, whose GiST index is built once
 *   after its points are in and which is attached in the import's transaction.
 * `samples.location` is the true location. A segment's entry may be stale, so searches recheck it.
 */
export const LIVE_SEGMENT = '00000000-0000-0000-0000-000000000000';

/** The setting by which a load marks its transaction, so the triggers leave its samples' points to it. */
const LOAD_SETTING = 'fairport.location_segment';

/** Returns the name of an import's segment table, made of the import id's hex digits so that it is a valid identifier. */
export function segmentTableName(importId: string): string {
  return `sample_locations_${uuidHex(importId)}`;
}

/** Returns a UUID as an SQL literal, for DDL, which takes no bound parameters. */
function uuidLiteral(id: string): string {
  const hex = uuidHex(id);
  return `'${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}'::uuid`;
}

function uuidHex(id: string): string {
  const hex = id.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`"${id}" is not a UUID`);
  return hex;
}

/** Returns the ids of the segments that may contain a dataset's points: the live one and those of its imports. */
export async function datasetSegments(knex: Knex, datasetId: string): Promise<string[]> {
  const rows: { id: string }[] = await knex('sample_location_segments').where({ datasetId }).select('id');
  return [LIVE_SEGMENT, ...rows.map((row) => row.id)];
}

/**
 * Marks the transaction as a load of this import: the samples it inserts, and the locations it
 * sets on this import's samples, stay out of the live segment.
 */
export async function beginSegmentLoad(trx: Knex.Transaction, importId: string): Promise<void> {
  await trx.raw('SELECT set_config(?, ?, true)', [LOAD_SETTING, importId]);
}

/** Ends beginSegmentLoad: later changes in the transaction are indexed by the triggers again. */
export async function endSegmentLoad(trx: Knex.Transaction): Promise<void> {
  await trx.raw("SELECT set_config(?, '', true)", [LOAD_SETTING]);
}

/**
 * Creates an import's segment table, not yet attached and without indexes, whose rows default
 * to the import and its dataset, so a COPY needs to send only `sample_id` and `location`.
 */
export async function createSegmentTable(trx: Knex.Transaction, importId: string, datasetId: string): Promise<string> {
  const table = segmentTableName(importId);
  await trx.raw('CREATE TABLE ?? (LIKE sample_locations)', [table]);
  // The CHECK lets ATTACH PARTITION skip its scan of the table.
  await trx.raw(
    `ALTER TABLE ?? ALTER COLUMN segment_id SET DEFAULT ${uuidLiteral(importId)},
       ALTER COLUMN dataset_id SET DEFAULT ${uuidLiteral(datasetId)},
       ADD CONSTRAINT ?? CHECK (segment_id = ${uuidLiteral(importId)})`,
    [table, `${table}_segment`],
  );
  return table;
}

/**
 * Builds a filled segment's GiST index, attaches it to `sample_locations` and records it, or
 * drops it when it contains no points.
 */
export async function attachSegment(trx: Knex.Transaction, importId: string, datasetId: string, points: number): Promise<void> {
  const table = segmentTableName(importId);
  if (points === 0) {
    await trx.raw('DROP TABLE ??', [table]);
    return;
  }
  await trx.raw('CREATE INDEX ?? ON ?? USING gist (location)', [`${table}_location`, table]);
  await trx.raw(`ALTER TABLE sample_locations ATTACH PARTITION ?? FOR VALUES IN (${uuidLiteral(importId)})`, [table]);
  await trx('sample_location_segments').insert({ id: importId, datasetId, tableName: table, points });
}

/** A box in WGS 84 degrees. */
export interface LocationBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** A condition on `samples` with its bindings, for whereRaw. */
export interface SqlCondition {
  sql: string;
  bindings: unknown[];
}

const ENVELOPE = 'ST_MakeEnvelope(?, ?, ?, ?, 4326)';

/**
 * Returns the condition that keeps a dataset's samples whose location lies in a box. The sample's
 * own location decides. When the box does not cover the dataset's extent, the condition also looks
 * the points up in the dataset's segments, whose GiST indexes find a few points among millions. A
 * box that covers the extent keeps every located sample, so an index would only add work there.
 */
export async function inBoxCondition(knex: Knex, datasetId: string, box: LocationBox): Promise<SqlCondition> {
  const corners = [box.minLon, box.minLat, box.maxLon, box.maxLat];
  const own: SqlCondition = { sql: `samples.location && ${ENVELOPE}`, bindings: corners };
  if (await boxCoversExtent(knex, datasetId, corners)) return own;
  const segments = await datasetSegments(knex, datasetId);
  return {
    sql: `${own.sql} AND samples.id IN (
      SELECT sample_id FROM sample_locations WHERE segment_id = ANY(?::uuid[]) AND dataset_id = ? AND location && ${ENVELOPE})`,
    bindings: [...corners, segments, datasetId, ...corners],
  };
}

async function boxCoversExtent(knex: Knex, datasetId: string, corners: readonly number[]): Promise<boolean> {
  const result: { rows: { covers: boolean | null }[] } = await knex.raw(
    `SELECT ST_Covers(${ENVELOPE}, spatial_extent) AS covers FROM datasets WHERE id = ?`,
    [...corners, datasetId],
  );
  return result.rows[0]?.covers === true;
}
