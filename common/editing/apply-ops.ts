import type { Field } from '../api/fields.js';
import { EMPTY_SAMPLE_PROPERTIES, type CellValue, type Sample } from '../api/samples.js';
import { normaliseCellValue } from '../cell-values.js';
import type { DatasetOp } from '../events.js';
import { EDITABLE_PROPERTIES, normaliseProperty } from './cells.js';
import { convertCellValue } from './conversion.js';
import { fieldKeyFromLabel, uniqueFieldKey } from '../field-keys.js';
import type { EditOp } from './requests.js';

/**
 * Applies operations to rows held in memory: committed changes from the server, and a client's
 * own edits before the server confirms them. Committed operations carry absolute new values, so
 * applying one twice, or to a row read after it, gives the same row.
 */

/** The rows and fields an operation changes; rows that are not loaded are skipped. */
export interface RowSink {
  get(id: string): Sample | undefined;
  put(sample: Sample): void;
  /** Adds a row: one another client inserted, or, before the server confirms it, the client's own, which goes right after `afterId` when given. */
  insert(sample: Sample, afterId?: string | null): void;
  /** Removes a row. `ord` is the row's place in row order, for rows not loaded, or null when unknown. */
  remove(id: string, ord: number | null): void;
  /** Every loaded row, for field operations that change a whole column. */
  all(): Iterable<Sample>;
  fields: Map<string, Field>;
}

/** Applies one committed operation; returns true when the client must reload rows it cannot derive (an import). */
export function applyCommittedOp(sink: RowSink, op: DatasetOp): boolean {
  switch (op.type) {
    case 'cell.set':
      updateRow(sink, op.sampleId, (row) => writeValue(row.values, op.key, op.after));
      return false;
    case 'sample.set':
      updateRow(sink, op.sampleId, (row) => Object.assign(row, { [op.property]: op.after }));
      return false;
    case 'sample.update':
      updateRow(sink, op.sampleId, (row) => Object.assign(row, op.after, { version: op.version }));
      return false;
    case 'sample.insert':
      // Rows moved to make room keep their order; their new ords place later inserts right.
      for (const [id, ord] of Object.entries(op.moved ?? {})) updateRow(sink, id, (row) => Object.assign(row, { ord }));
      sink.insert(structuredClone(op.sample));
      return false;
    case 'sample.delete':
      sink.remove(op.sampleId, op.before.ord);
      return false;
    case 'field.insert':
      sink.fields.set(op.field.id, op.field);
      writeColumn(sink, op.field.key, op.values);
      return false;
    case 'field.update':
      applyFieldUpdate(sink, op);
      return false;
    case 'field.delete':
      sink.fields.delete(op.field.id);
      for (const row of sink.all()) if (op.field.key in row.values) updateRow(sink, row.id, (copy) => delete copy.values[op.field.key]);
      return false;
    case 'import.merge':
      return true;
    case 'dataset.publish':
      // Changes the dataset's state, not its rows; the page reads the dataset again after changes.
      return false;
  }
}

/**
 * Applies a client's own operation as the server would if nothing conflicts, for showing it at
 * once. Invalid operations change nothing, and the server's acknowledgement gives the reason.
 */
export function applyEditOp(sink: RowSink, op: EditOp): void {
  switch (op.type) {
    case 'cell.set': {
      const field = [...sink.fields.values()].find((candidate) => candidate.key === op.key);
      const normalised = field ? normaliseCellValue(field, op.value) : null;
      if (normalised?.ok) updateRow(sink, op.sampleId, (row) => writeValue(row.values, op.key, normalised.value));
      return;
    }
    case 'sample.set': {
      const normalised = normaliseProperty(op.property, op.value);
      if (normalised.ok) updateRow(sink, op.sampleId, (row) => Object.assign(row, { [op.property]: normalised.value }));
      return;
    }
    case 'sample.insert':
      sink.insert(newSample(op.sample), op.afterId ?? null);
      return;
    case 'sample.delete':
      sink.remove(op.sampleId, null);
      return;
    case 'field.insert':
      sink.fields.set(op.field.id, pendingField(op.field, sink.fields));
      return;
    case 'field.update': {
      const field = sink.fields.get(op.fieldId);
      if (field) sink.fields.set(field.id, { ...field, ...(op.changes as Partial<Field>) });
      return;
    }
    case 'field.retype':
      applyFieldUpdate(sink, { type: 'field.update', fieldId: op.fieldId, before: {}, after: { type: op.fieldType } });
      return;
    case 'field.delete': {
      const field = sink.fields.get(op.fieldId);
      if (field) applyCommittedOp(sink, { type: 'field.delete', field });
      return;
    }
  }
}

function applyFieldUpdate(sink: RowSink, op: Extract<DatasetOp, { type: 'field.update' }>): void {
  const field = sink.fields.get(op.fieldId);
  if (!field) return;
  const updated = { ...field, ...op.after } as Field;
  sink.fields.set(field.id, updated);
  if (op.after.type === undefined || op.after.type === field.type) return;

  for (const row of sink.all()) {
    if (!(field.key in row.values)) continue;
    const explicit = op.values?.[row.id];
    const converted = explicit !== undefined ? { ok: true as const, value: explicit } : convertCellValue(row.values[field.key]!, updated.type);
    if (converted.ok) updateRow(sink, row.id, (copy) => writeValue(copy.values, field.key, converted.value));
  }
}

function writeColumn(sink: RowSink, key: string, values: Record<string, CellValue> | undefined): void {
  for (const [id, value] of Object.entries(values ?? {})) updateRow(sink, id, (row) => writeValue(row.values, key, value));
}

/** Replaces a row with a changed copy, so views that compare rows by identity see the change. */
function updateRow(sink: RowSink, id: string, change: (row: Sample) => void): void {
  const row = sink.get(id);
  if (!row) return;
  const copy: Sample = { ...row, values: { ...row.values } };
  change(copy);
  sink.put(copy);
}

/** Stores a value the way the server does: null removes the key. */
function writeValue(values: Record<string, CellValue>, key: string, value: CellValue): void {
  if (value === null) delete values[key];
  else values[key] = value;
}

function newSample(input: Extract<EditOp, { type: 'sample.insert' }>['sample']): Sample {
  const now = new Date().toISOString();
  const sample: Sample = {
    id: input.id,
    datasetId: '',
    ord: Number.MAX_SAFE_INTEGER,
    ...EMPTY_SAMPLE_PROPERTIES,
    values: { ...(input.values ?? {}) },
    version: 0,
    importId: null,
    createdAt: now,
    updatedAt: now,
  };
  for (const property of EDITABLE_PROPERTIES) {
    const normalised = input[property] === undefined ? null : normaliseProperty(property, input[property]);
    if (normalised?.ok) Object.assign(sample, { [property]: normalised.value });
  }
  return sample;
}

function pendingField(input: Extract<EditOp, { type: 'field.insert' }>['field'], fields: Map<string, Field>): Field {
  const now = new Date().toISOString();
  const position = Math.max(-1, ...[...fields.values()].map((field) => field.position)) + 1;
  return {
    id: input.id,
    datasetId: '',
    key: input.key ?? uniqueFieldKey(fieldKeyFromLabel(input.label), new Set([...fields.values()].map((field) => field.key))),
    label: input.label,
    type: input.type,
    unit: input.unit ?? null,
    description: input.description ?? '',
    termIri: input.termIri ?? null,
    vocabularyIri: input.vocabularyIri ?? null,
    required: input.required ?? false,
    position,
    createdAt: now,
    updatedAt: now,
  };
}
