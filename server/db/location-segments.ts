import type { Knex } from 'knex';
import type { BoundingBox } from '../../common/api/samples.js';

/**
 * The id of the live segment. The spatial index of samples is `sample_locations`, a table
 * partitioned into segments (see the migration `20261208000100_sample_location_segments`):
 * - the live segment contains the points of samples added or moved one at a time, kept by triggers.
 * - Each import that located samples has a segment of its own, whose GiST index is built once
 *   after its points are in and which is attached in the import's transaction.
 * `samples.location` is the true location. A segment's entry may be stale, so searches recheck it.
 */
export const LIVE_SEGMENT = '00000000-0000-0000-0000-000000000000';

/**
 * Minimum number of rows for which a load builds a segment of its own. A smaller import puts its points into
 * the live segment, whose GiST index takes them one by one (about 5.5 s per million on a 2-core
 * machine, so under 0.6 s here). This keeps the number of segments, which every box search of a
 * dataset visits and every dataset deletion drops, proportional to the dataset's size.
 */
export const SEGMENT_MIN_ROWS = 100_000;

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
  // The columns are written out rather than copied with LIKE, which would lock sample_locations
  // until the load commits, so that a dataset deletion dropping segments would wait for the load
  // and hold up every box search meanwhile. The CHECK lets ATTACH PARTITION skip its scan.
  await trx.raw(
    `CREATE TABLE ?? (
       segment_id uuid NOT NULL DEFAULT ${uuidLiteral(importId)},
       dataset_id uuid NOT NULL DEFAULT ${uuidLiteral(datasetId)},
       sample_id uuid NOT NULL,
       location geometry(Point, 4326) NOT NULL,
       CONSTRAINT ?? CHECK (segment_id = ${uuidLiteral(importId)})
     )`,
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

/** A condition on `samples` with its bindings, for whereRaw. */
export interface SqlCondition {
  sql: string;
  bindings: unknown[];
}

const ENVELOPE = 'ST_MakeEnvelope(?, ?, ?, ?, 4326)';

/**
 * Most points a box search looks up through the segments' indexes. The lookup collects the ids of
 * every point in the box before the page is read in row order, so for a box holding more it is
 * cheaper to read the dataset's rows in order and check each location.
 */
const INDEXED_MATCHES_MAX = 20_000;

/**
 * Returns the condition that keeps a dataset's samples whose location lies in a box. The sample's
 * own location decides. When the box contains few of the dataset's points, the condition also looks
 * them up in the dataset's segments, whose GiST indexes find a few points among millions. For a
 * box that contains many, an index would only add work (see INDEXED_MATCHES_MAX).
 */
export async function inBoxCondition(knex: Knex, datasetId: string, box: BoundingBox): Promise<SqlCondition> {
  const corners = [box.minLon, box.minLat, box.maxLon, box.maxLat];
  const own: SqlCondition = { sql: `samples.location && ${ENVELOPE}`, bindings: corners };
  if ((await estimatedMatches(knex, datasetId, box)) > INDEXED_MATCHES_MAX) return own;
  const segments = await datasetSegments(knex, datasetId);
  return {
    sql: `${own.sql} AND samples.id IN (
      SELECT sample_id FROM sample_locations WHERE segment_id = ANY(?::uuid[]) AND dataset_id = ? AND location && ${ENVELOPE})`,
    bindings: [...corners, segments, datasetId, ...corners],
  };
}

/**
 * Estimates how many of a dataset's located samples lie in a box, as if they were spread evenly
 * over the dataset's extent. Along an axis where the extent has no width (points on a meridian,
 * for example) the box contains all of them or none.
 */
async function estimatedMatches(knex: Knex, datasetId: string, box: BoundingBox): Promise<number> {
  const result: { rows: { located: number; minLon: number | null; minLat: number; maxLon: number; maxLat: number }[] } = await knex.raw(
    `SELECT located_count AS located, ST_XMin(spatial_extent) AS "minLon", ST_YMin(spatial_extent) AS "minLat",
            ST_XMax(spatial_extent) AS "maxLon", ST_YMax(spatial_extent) AS "maxLat"
     FROM datasets WHERE id = ?`,
    [datasetId],
  );
  const extent = result.rows[0];
  if (!extent || extent.minLon === null) return 0;
  const share = axisShare(box.minLon, box.maxLon, extent.minLon, extent.maxLon) * axisShare(box.minLat, box.maxLat, extent.minLat, extent.maxLat);
  return extent.located * share;
}

/** Returns the share of an extent's span that a box's span covers, along one axis. */
function axisShare(boxMin: number, boxMax: number, extentMin: number, extentMax: number): number {
  const width = extentMax - extentMin;
  if (width <= 0) return boxMin <= extentMin && extentMax <= boxMax ? 1 : 0;
  return Math.max(0, Math.min(boxMax, extentMax) - Math.max(boxMin, extentMin)) / width;
}
