import { EMPTY_SAMPLE_PROPERTIES, type CellValue } from '../../../common/api/samples.js';
import { normaliseCellValue } from '../../../common/cell-values.js';
import { EDITABLE_PROPERTIES, normaliseProperty, propertyCell, valueCell, type EditableProperty } from '../../../common/editing/cells.js';
import { convertCellValue } from '../../../common/editing/conversion.js';
import { shapeLocation, type PointLocation } from '../../../common/shape-location.js';
import type { SampleInsertInput } from '../../../common/editing/requests.js';
import { invalidOp, type EditSession } from './edit-session.js';
import type { InternalOp } from './internal-ops.js';
import { propertyOf, setProperty, type RowState } from './row-state.js';

type Op<T extends InternalOp['type']> = Extract<InternalOp, { type: T }>;

/** Sets one field value of a row; a conflict when someone else changed that cell after the client's seq. */
export async function setCell(session: EditSession, opIndex: number, op: Op<'cell.set'>): Promise<void> {
  const row = liveRowOrConflict(session, opIndex, op.sampleId);
  if (!row) return;
  const field = session.fieldByKey(op.key);
  if (!field) {
    await fieldGoneOrInvalid(session, opIndex, op.key, op.sampleId);
    return;
  }

  const cell = valueCell(op.key);
  const before = row.values[op.key] ?? null;
  const cellSeq = row.cellSeqs[cell] ?? 0;
  if (session.changedSince(cellSeq)) {
    session.conflict({ opIndex, reason: 'changed', sampleId: row.id, fieldId: field.id, cell, current: before, proposed: op.value, seq: cellSeq });
    return;
  }

  const normalised = normaliseCellValue(field, op.value);
  if (!normalised.ok) throw invalidOp(opIndex, 'value', `${normalised.problem} (field "${op.key}")`);
  writeValue(row, op.key, normalised.value);
  row.cellSeqs[cell] = session.seq;
  session.touch(row);
  session.push({ type: 'cell.set', sampleId: row.id, key: op.key, before, after: normalised.value });
  session.history.record(row.id, cell, before, normalised.value);
  if (field.type === 'geometry') followShape(session, row, before, normalised.value);
}

/**
 * Moves a row's location onto its new shape when it lay on the old one or was missing, as part
 * of the same change, so an undo puts both back. A location someone else changed after the
 * client's seq stays theirs, and so does one set earlier in this edit, such as a pasted one.
 */
function followShape(session: EditSession, row: RowState, before: CellValue, after: CellValue): void {
  const cell = propertyCell('location');
  const locationSeq = row.cellSeqs[cell] ?? 0;
  if (locationSeq === session.seq || session.changedSince(locationSeq)) return;
  const location = propertyOf(row, 'location') as PointLocation | null;
  const moved = shapeLocation(location, before, after);
  if (moved === undefined) return;

  setProperty(row, 'location', moved);
  row.cellSeqs[cell] = session.seq;
  session.push({ type: 'sample.set', sampleId: row.id, property: 'location', before: location, after: moved });
  session.history.record(row.id, cell, location, moved);
  forgetWrittenCoordinates(session, row);
}

/**
 * Clears the coordinates as the source wrote them once an edit moves the row, in the same
 * change, so the API never gives two positions for one sample and an undo puts the text back.
 * A text set earlier in the same edit stays, as an undo restoring both sets it first.
 */
function forgetWrittenCoordinates(session: EditSession, row: RowState): void {
  const before = propertyOf(row, 'locationText');
  const cell = propertyCell('locationText');
  if (before === null || row.cellSeqs[cell] === session.seq) return;
  setProperty(row, 'locationText', null);
  row.cellSeqs[cell] = session.seq;
  session.push({ type: 'sample.set', sampleId: row.id, property: 'locationText', before, after: null });
  session.history.record(row.id, cell, before, null);
}

/** Sets one property of a row (name, location…), with the same conflict rule as a cell. */
export function setSampleProperty(session: EditSession, opIndex: number, op: Op<'sample.set'>): void {
  const row = liveRowOrConflict(session, opIndex, op.sampleId);
  if (!row) return;

  const cell = propertyCell(op.property);
  const before = propertyOf(row, op.property);
  const cellSeq = row.cellSeqs[cell] ?? 0;
  if (session.changedSince(cellSeq)) {
    session.conflict({ opIndex, reason: 'changed', sampleId: row.id, fieldId: null, cell, current: before, proposed: op.value, seq: cellSeq });
    return;
  }

  const normalised = normaliseProperty(op.property, op.value);
  if (!normalised.ok) throw invalidOp(opIndex, 'value', `${normalised.problem} (property "${op.property}")`);
  setProperty(row, op.property, normalised.value);
  row.cellSeqs[cell] = session.seq;
  session.touch(row);
  session.push({ type: 'sample.set', sampleId: row.id, property: op.property, before, after: normalised.value });
  session.history.record(row.id, cell, before, normalised.value);
  if (op.property === 'location' && !sameLocation(before, normalised.value)) forgetWrittenCoordinates(session, row);
}

function sameLocation(before: unknown, after: unknown): boolean {
  return JSON.stringify(before) === JSON.stringify(after);
}

/**
 * Adds a row with a client-made id right after the row `afterId`, or after the dataset's last
 * row. An `afterId` row someone deleted after the client's seq is a conflict. An `afterId` row
 * that this edit deletes, before or after this operation, gives the new row its place.
 */
export function insertSample(session: EditSession, opIndex: number, op: Op<'sample.insert'>): void {
  if (session.rowIdUsed(op.sample.id)) {
    throw invalidOp(opIndex, 'sample.id', 'a sample with this id exists or existed; make a new id');
  }
  const anchored = !op.afterId || session.deletedInEdit(op.afterId) || liveRowOrConflict(session, opIndex, op.afterId, 'afterId');
  if (!anchored) return;
  const row = newRow(session, op.sample.id);
  applyInsertProperties(row, opIndex, op.sample);
  applyInsertValues(session, row, opIndex, op.sample.values ?? {});
  locateOnShape(session, row);

  for (const cell of Object.keys(row.cellSeqs)) row.cellSeqs[cell] = session.seq;
  session.addRow(row);
  session.pushInsert(row, null, op.afterId ?? null);
  session.history.record(row.id, 'row', null, true);
}

/**
 * Puts back a deleted row as it was, keeping its id and place, for an undo. Values of fields
 * removed since are dropped, and values of retyped fields are converted, so the row fits the
 * dataset's current fields.
 */
export function restoreSample(session: EditSession, opIndex: number, op: Op<'sample.restore'>): void {
  if (session.row(op.sample.id)) {
    session.conflict({ opIndex, reason: 'exists', sampleId: op.sample.id, fieldId: null, cell: 'row', current: null, seq: session.seq });
    return;
  }
  const row = newRow(session, op.sample.id);
  const { values, ...properties } = op.sample;
  Object.assign(row, properties, { values: {}, status: 'inserted', dirty: false });
  for (const property of EDITABLE_PROPERTIES) if (propertyOf(row, property) !== null) row.cellSeqs[propertyCell(property)] = session.seq;

  for (const [key, value] of Object.entries(values)) {
    const field = session.fieldByKey(key);
    const converted = field ? convertCellValue(value, field.type) : null;
    if (!converted?.ok) continue;
    writeValue(row, key, converted.value);
    row.cellSeqs[valueCell(key)] = session.seq;
  }
  session.addRow(row);
  session.pushInsert(row, op.links, null);
  session.history.record(row.id, 'row', null, true);
}

/** Deletes a row; a conflict when someone else changed any of its cells after the client's seq. */
export function deleteSample(session: EditSession, opIndex: number, op: Op<'sample.delete'>): void {
  const row = liveRowOrConflict(session, opIndex, op.sampleId);
  if (!row) return;
  if (session.changedSince(row.seq)) {
    session.conflict({ opIndex, reason: 'changed', sampleId: row.id, fieldId: null, cell: 'row', current: null, seq: row.seq });
    return;
  }
  session.pushDelete(row);
  session.history.record(row.id, 'row', true, null);
}

/**
 * Returns the row an operation addresses. A row deleted after the client's seq is a conflict
 * (someone deleted what the client edits); a row that never existed, or was deleted before the
 * client's seq, is invalid input. A row that an earlier operation of this edit deleted returns
 * undefined with no conflict, so the operation is skipped. The operations of one edit never
 * conflict with each other, and the deleted row is the end state the edit asked for.
 */
function liveRowOrConflict(session: EditSession, opIndex: number, sampleId: string, path = 'sampleId'): RowState | undefined {
  const row = session.row(sampleId);
  if (row) return row;
  if (session.deletedInEdit(sampleId)) return undefined;

  const removedAt = session.rowRemovalSeq(sampleId);
  if (removedAt > session.options.baseSeq) {
    session.conflict({ opIndex, reason: 'deleted', sampleId, fieldId: null, cell: 'row', current: null, seq: removedAt });
    return undefined;
  }
  throw invalidOp(opIndex, path, `no sample ${sampleId} in this dataset`);
}

async function fieldGoneOrInvalid(session: EditSession, opIndex: number, key: string, sampleId: string): Promise<void> {
  const removedAt = await session.fieldKeyRemovalSeq(key);
  if (removedAt > 0) {
    session.conflict({ opIndex, reason: 'deleted', sampleId, fieldId: null, cell: valueCell(key), current: null, seq: removedAt });
    return;
  }
  throw invalidOp(opIndex, 'key', `the dataset has no field "${key}"; add the field first`);
}

function newRow(session: EditSession, id: string): RowState {
  const now = new Date().toISOString();
  return {
    id,
    datasetId: session.options.datasetId,
    ord: null,
    ...EMPTY_SAMPLE_PROPERTIES,
    values: {},
    version: 1,
    importId: null,
    createdAt: now,
    updatedAt: now,
    seq: session.seq,
    cellSeqs: {},
    status: 'inserted',
    dirty: false,
  };
}

function applyInsertProperties(row: RowState, opIndex: number, input: SampleInsertInput): void {
  for (const property of EDITABLE_PROPERTIES) {
    const value = input[property];
    if (value === undefined) continue;
    const normalised = normaliseProperty(property, value);
    if (!normalised.ok) throw invalidOp(opIndex, `sample.${property}`, normalised.problem);
    setProperty(row, property as EditableProperty, normalised.value);
    if (normalised.value !== null && normalised.value !== '') row.cellSeqs[propertyCell(property)] = 0;
  }
}

function applyInsertValues(session: EditSession, row: RowState, opIndex: number, values: Record<string, CellValue>): void {
  for (const [key, value] of Object.entries(values)) {
    const field = session.fieldByKey(key);
    if (!field) throw invalidOp(opIndex, `sample.values.${key}`, `the dataset has no field "${key}"; add the field first`);
    const normalised = normaliseCellValue(field, value);
    if (!normalised.ok) throw invalidOp(opIndex, `sample.values.${key}`, normalised.problem);
    writeValue(row, key, normalised.value);
    if (normalised.value !== null) row.cellSeqs[valueCell(key)] = 0;
  }
  for (const field of session.allFields()) {
    if (field.required && (row.values[field.key] ?? null) === null) {
      throw invalidOp(opIndex, `sample.values.${field.key}`, 'a value is required');
    }
  }
}

/** Gives a new row without a location a point on its first shape, as an import locates one. */
function locateOnShape(session: EditSession, row: RowState): void {
  if (propertyOf(row, 'location') !== null) return;
  for (const field of session.allFields()) {
    if (field.type !== 'geometry') continue;
    const located = shapeLocation(null, null, row.values[field.key]);
    if (located === undefined) continue;
    setProperty(row, 'location', located);
    row.cellSeqs[propertyCell('location')] = 0;
    return;
  }
}

/** Stores a value; null clears the cell, as the REST API does, so a cleared cell has no key. */
function writeValue(row: RowState, key: string, value: CellValue): void {
  if (value === null) delete row.values[key];
  else row.values[key] = value;
}
