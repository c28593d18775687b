import type { Knex } from 'knex';
import type { Field } from '../../../common/api/fields.js';
import type { CellValue, Sample } from '../../../common/api/samples.js';
import type { EditableProperty } from '../../../common/editing/cells.js';
import { iso, isoOrNull } from '../timestamps.js';

/** A sample as an edit reads and changes it in memory before writing it back in one statement. */
export interface RowState {
  id: string;
  datasetId: string;
  ord: number | null;
  name: string;
  igsn: string | null;
  parentId: string | null;
  material: string | null;
  location: { type: 'Point'; coordinates: [number, number] } | null;
  locationText: string | null;
  elevation: number | null;
  collectedAt: string | null;
  collectedAtPrecision: Sample['collectedAtPrecision'];
  values: Record<string, CellValue>;
  version: number;
  importId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Seq of the row's last change, for delete conflicts. */
  seq: number;
  /** Seq of each cell's last change, keyed by cell key. */
  cellSeqs: Record<string, number>;
  /** `stored` rows exist in the database; `inserted` rows are written when the edit is flushed. */
  status: 'stored' | 'inserted' | 'deleted';
  dirty: boolean;
}

/** A dataset field with the seq of its last schema change. */
export type FieldState = Field & { seq: number };

const ROW_COLUMNS = [
  'id',
  'dataset_id',
  'ord',
  'name',
  'igsn',
  'parent_id',
  'material',
  'location_text',
  'elevation',
  'collected_at',
  'collected_at_precision',
  'values',
  'version',
  'import_id',
  'created_at',
  'updated_at',
  'seq',
  'cell_seqs',
];

/** Reads the rows an edit touches, locking them until the edit commits. */
export async function loadRows(trx: Knex.Transaction, datasetId: string, ids: string[]): Promise<Map<string, RowState>> {
  if (ids.length === 0) return new Map();
  const rows = await trx('samples')
    .select(...ROW_COLUMNS, trx.raw('ST_AsGeoJSON(location)::json AS location'))
    .where('dataset_id', datasetId)
    .whereIn('id', ids)
    .forUpdate();
  return new Map(rows.map((row: Record<string, unknown>) => [row.id as string, rowFromDatabase(row)]));
}

export function fieldFromDatabase(row: Record<string, unknown>): FieldState {
  return {
    id: row.id as string,
    datasetId: row.datasetId as string,
    key: row.key as string,
    label: row.label as string,
    type: row.type as Field['type'],
    unit: row.unit as string | null,
    description: row.description as string,
    termIri: row.termIri as string | null,
    vocabularyIri: row.vocabularyIri as string | null,
    required: row.required as boolean,
    position: row.position as number,
    createdAt: iso(row.createdAt as Date | string),
    updatedAt: iso(row.updatedAt as Date | string),
    seq: Number(row.seq),
  };
}

/** A row from the JSON object readEditState builds; the keys are already camelCase. */
export function rowFromJson(row: Record<string, unknown>): RowState {
  return rowFromDatabase(row);
}

function rowFromDatabase(row: Record<string, unknown>): RowState {
  return {
    id: row.id as string,
    datasetId: row.datasetId as string,
    ord: Number(row.ord),
    name: row.name as string,
    igsn: row.igsn as string | null,
    parentId: row.parentId as string | null,
    material: row.material as string | null,
    location: row.location as RowState['location'],
    locationText: row.locationText as string | null,
    elevation: row.elevation as number | null,
    collectedAt: isoOrNull(row.collectedAt as Date | null),
    collectedAtPrecision: row.collectedAtPrecision as RowState['collectedAtPrecision'],
    values: row.values as Record<string, CellValue>,
    version: row.version as number,
    importId: row.importId as string | null,
    createdAt: iso(row.createdAt as Date | string),
    updatedAt: iso(row.updatedAt as Date | string),
    seq: Number(row.seq),
    cellSeqs: row.cellSeqs as Record<string, number>,
    status: 'stored',
    dirty: false,
  };
}

/** The API's view of a row. */
export function rowToSample(row: RowState): Sample {
  return {
    id: row.id,
    datasetId: row.datasetId,
    ord: row.ord ?? 0,
    name: row.name,
    igsn: row.igsn,
    parentId: row.parentId,
    material: row.material,
    location: row.location,
    locationText: row.locationText,
    elevation: row.elevation,
    collectedAt: row.collectedAt,
    collectedAtPrecision: row.collectedAtPrecision,
    values: { ...row.values },
    version: row.version,
    importId: row.importId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Reads a property of a row. */
export function propertyOf(row: RowState, property: EditableProperty): unknown {
  return row[property];
}

/** Sets a property of a row; the value has been validated and normalised. */
export function setProperty(row: RowState, property: EditableProperty, value: unknown): void {
  (row as unknown as Record<string, unknown>)[property] = value;
}
