import type { FieldState, RowState } from './row-state.js';

/** Bytes counted for a JavaScript object besides its members, a rough figure for V8. */
const OBJECT_BYTES = 64;
/** Bytes counted for a number, boolean or null member. */
const SCALAR_BYTES = 16;

const rowSizes = new WeakMap<RowState, { version: number; bytes: number }>();
const fieldSizes = new WeakMap<ReadonlyMap<string, FieldState>, number>();

/**
 * Estimates the memory a row of an edit's state takes, from its text and values. The figure is
 * kept per row until the row's version changes, so a cache can add up many rows cheaply.
 */
export function rowBytes(row: RowState): number {
  const known = rowSizes.get(row);
  if (known?.version === row.version) return known.bytes;
  const text = [row.id, row.datasetId, row.name, row.igsn, row.parentId, row.material, row.locationText, row.importId, row.createdAt, row.updatedAt];
  const bytes = OBJECT_BYTES * 2 + text.reduce((sum, item) => sum + textBytes(item), 0) + valueBytes(row.values) + valueBytes(row.cellSeqs) + valueBytes(row.location);
  rowSizes.set(row, { version: row.version, bytes });
  return bytes;
}

/** Estimates the memory of a state's fields, once per map. */
export function fieldsBytes(fields: ReadonlyMap<string, FieldState>): number {
  let bytes = fieldSizes.get(fields);
  if (bytes !== undefined) return bytes;
  bytes = OBJECT_BYTES;
  for (const field of fields.values()) bytes += valueBytes(field);
  fieldSizes.set(fields, bytes);
  return bytes;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return textBytes(value);
  if (typeof value !== 'object' || value === null) return SCALAR_BYTES;
  let bytes = OBJECT_BYTES;
  for (const [key, item] of Object.entries(value)) bytes += textBytes(key) + valueBytes(item);
  return bytes;
}

/** V8 keeps a string in one or two bytes a character; two are counted. */
function textBytes(text: string | null): number {
  return text === null ? SCALAR_BYTES : SCALAR_BYTES + text.length * 2;
}
