import type { Knex } from 'knex';
import type { RowState } from './row-state.js';

/** The dependent records of a deleted row that undoing the delete puts back. */
export interface DeletedRowRestore {
  measurements: Record<string, unknown>[];
  /** Samples whose parent was the deleted row; the delete sets their parent to null. */
  children: string[];
}

// The columns of jsonb_to_recordset: every writable column of `samples`, the location split in two.
export const RECORD_COLUMNS = `id uuid, ord bigint, name text, igsn text, parent_id uuid, material text, lon float8, lat float8,
  location_text text, elevation float8, collected_at timestamptz, collected_at_precision text, values jsonb,
  cell_seqs jsonb, seq bigint, import_id uuid, created_at timestamptz`;

export const POINT = 'CASE WHEN u.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) END';

/**
 * Inserts new rows in one statement. Rows with an `ord` are deleted rows put back by an undo, and
 * they keep their place. New rows get the next `ord`, so they follow the dataset's last row.
 */
export async function insertRows(trx: Knex | Knex.Transaction, datasetId: string, rows: RowState[]): Promise<void> {
  const restored = rows.filter((row) => row.ord !== null);
  const fresh = rows.filter((row) => row.ord === null);
  if (restored.length > 0) {
    await trx.raw(
      `INSERT INTO samples (id, dataset_id, ord, name, igsn, parent_id, material, location, location_text, elevation,
         collected_at, collected_at_precision, values, cell_seqs, seq, import_id, created_at)
       SELECT u.id, ?, u.ord, u.name, u.igsn, u.parent_id, u.material, ${POINT}, u.location_text, u.elevation,
         u.collected_at, u.collected_at_precision, u.values, u.cell_seqs, u.seq, u.import_id, u.created_at
       FROM jsonb_to_recordset(?::jsonb) AS u(${RECORD_COLUMNS})`,
      [datasetId, JSON.stringify(restored.map(toRecord))],
    );
  }
  if (fresh.length > 0) {
    await trx.raw(
      `INSERT INTO samples (id, dataset_id, name, igsn, parent_id, material, location, location_text, elevation,
         collected_at, collected_at_precision, values, cell_seqs, seq)
       SELECT u.id, ?, u.name, u.igsn, u.parent_id, u.material, ${POINT}, u.location_text, u.elevation,
         u.collected_at, u.collected_at_precision, u.values, u.cell_seqs, u.seq
       FROM jsonb_to_recordset(?::jsonb) AS u(${RECORD_COLUMNS})`,
      [datasetId, JSON.stringify(fresh.map(toRecord))],
    );
  }
}

/** Writes changed rows back in one statement and bumps their version. */
export async function updateRows(trx: Knex | Knex.Transaction, rows: RowState[]): Promise<void> {
  if (rows.length === 0) return;
  await trx.raw(
    `UPDATE samples AS s SET name = u.name, igsn = u.igsn, material = u.material, location = ${POINT},
       location_text = u.location_text, elevation = u.elevation, collected_at = u.collected_at,
       collected_at_precision = u.collected_at_precision, values = u.values, cell_seqs = u.cell_seqs, seq = u.seq,
       version = s.version + 1, updated_at = now()
     FROM jsonb_to_recordset(?::jsonb) AS u(${RECORD_COLUMNS})
     WHERE s.id = u.id`,
    [JSON.stringify(rows.map(toRecord))],
  );
}

/**
 * Deletes rows and returns, per row, the measurements and child links the delete removes, so an
 * undo can restore them.
 */
export async function deleteRows(trx: Knex | Knex.Transaction, ids: string[]): Promise<Map<string, DeletedRowRestore>> {
  const restore = new Map<string, DeletedRowRestore>(ids.map((id) => [id, { measurements: [], children: [] }]));
  if (ids.length === 0) return restore;

  const measurements = await trx.raw('SELECT to_jsonb(m) AS row FROM measurements m WHERE m.sample_id = ANY(?::uuid[])', [ids]);
  for (const { row } of measurements.rows as { row: Record<string, unknown> }[]) {
    restore.get(row.sample_id as string)?.measurements.push(row);
  }
  const children = await trx('samples').whereIn('parent_id', ids).select('id', 'parent_id');
  for (const child of children as { id: string; parentId: string }[]) {
    restore.get(child.parentId)?.children.push(child.id);
  }

  await trx('samples').whereIn('id', ids).delete();
  return restore;
}

/** Puts back the measurements and child links of rows an undo restores. */
export async function restoreRowLinks(trx: Knex | Knex.Transaction, parentId: string, restore: DeletedRowRestore): Promise<void> {
  await restoreMeasurements(trx, restore.measurements);
  if (restore.children.length > 0) {
    await trx('samples').whereIn('id', restore.children).whereNull('parent_id').update({ parentId });
  }
}

/** Inserts measurement rows as `to_jsonb(measurements)` returned them, keeping their ids. */
export async function restoreMeasurements(trx: Knex | Knex.Transaction, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  // Only measurements whose sample still exists come back; a later delete may have removed it.
  await trx.raw(
    `INSERT INTO measurements SELECT m.* FROM jsonb_populate_recordset(NULL::measurements, ?::jsonb) AS m
     WHERE EXISTS (SELECT 1 FROM samples s WHERE s.id = m.sample_id) ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** Converts a row to a jsonb_to_recordset record with RECORD_COLUMNS. */
export function toRecord(row: RowState): Record<string, unknown> {
  return {
    id: row.id,
    ord: row.ord,
    name: row.name,
    igsn: row.igsn,
    parent_id: row.parentId,
    material: row.material,
    lon: row.location?.coordinates[0] ?? null,
    lat: row.location?.coordinates[1] ?? null,
    location_text: row.locationText,
    elevation: row.elevation,
    collected_at: row.collectedAt,
    collected_at_precision: row.collectedAtPrecision,
    values: row.values,
    cell_seqs: row.cellSeqs,
    seq: row.seq,
    import_id: row.importId,
    created_at: row.createdAt,
  };
}
