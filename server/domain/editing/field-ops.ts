import type { CellValue } from '../../../common/api/samples.js';
import { valueCell } from '../../../common/editing/cells.js';
import { convertCellValue } from '../../../common/editing/conversion.js';
import { EDIT_LIMITS } from '../../../common/editing/limits.js';
import { fieldKeyFromLabel, uniqueFieldKey } from '../field-keys.js';
import { fieldDto, invalidOp, type EditSession } from './edit-session.js';
import type { FieldRestore, InternalOp } from './internal-ops.js';
import { fieldFromDatabase, type FieldState } from './row-state.js';
import { restoreMeasurements } from './row-writes.js';

type Op<T extends InternalOp['type']> = Extract<InternalOp, { type: T }>;

/** Adds a field at the end of the columns; a key someone else took after the client's seq is a conflict. */
export async function insertField(session: EditSession, opIndex: number, op: Op<'field.insert'>): Promise<void> {
  const input = op.field;
  if (session.field(input.id) || session.fieldRemovalSeq(input.id) > 0) {
    throw invalidOp(opIndex, 'field.id', 'a field with this id exists or existed; make a new id');
  }
  const taken = new Set(session.allFields().map((field) => field.key));
  const key = input.key ?? uniqueFieldKey(fieldKeyFromLabel(input.label), taken);
  const existing = session.fieldByKey(key);
  if (existing) {
    if (session.changedSince(existing.seq)) {
      session.conflict({ opIndex, reason: 'exists', sampleId: null, fieldId: existing.id, cell: null, current: fieldDto(existing), seq: existing.seq });
      return;
    }
    throw invalidOp(opIndex, 'field.key', `the dataset already has a field with key "${key}"; choose another key`);
  }

  const position = Math.max(-1, ...session.allFields().map((field) => field.position)) + 1;
  const field = await writeNewField(session, { ...input, key, position });
  session.push({ type: 'field.insert', field: fieldDto(field) });
  session.history.record(field.id, 'field', null, fieldDto(field));
}

/** Changes a field's label, unit or description; a conflict when someone else changed the field since. */
export async function updateField(session: EditSession, opIndex: number, op: Op<'field.update'>): Promise<void> {
  const field = liveFieldOrConflict(session, opIndex, op.fieldId);
  if (!field) return;

  const changes = Object.fromEntries(Object.entries(op.changes).filter(([, value]) => value !== undefined)) as Partial<FieldState>;
  const before = Object.fromEntries(Object.keys(changes).map((key) => [key, field[key as keyof FieldState]]));
  const updated = await writeFieldChanges(session, field, changes);
  session.push({ type: 'field.update', fieldId: field.id, before, after: changes });
  session.history.record(field.id, 'field', before, { ...changes, key: updated.key });
}

/**
 * Changes a field's type and converts its stored values with convertCellValue. A value that
 * cannot be converted rejects the edit, naming a few of them. The old values of converted cells
 * are kept for an undo, which passes them back as `restoreValues`.
 */
export async function retypeField(session: EditSession, opIndex: number, op: Op<'field.retype'>): Promise<void> {
  const field = liveFieldOrConflict(session, opIndex, op.fieldId);
  if (!field) return;
  if (field.type === op.fieldType) throw invalidOp(opIndex, 'fieldType', `the field "${field.key}" is already of type ${field.type}`);

  await session.flush();
  const stored = await readFieldValues(session, field.key);
  const restoreValues = op.type === 'field.retype' && 'restoreValues' in op ? op.restoreValues : {};
  const converted = convertAll(stored, op.fieldType, restoreValues, opIndex);

  await writeFieldValues(session, field.key, converted.changed);
  for (const row of session.liveRows()) {
    if (row.id in converted.changed) row.values[field.key] = converted.changed[row.id]!;
  }
  await writeFieldChanges(session, field, { type: op.fieldType });

  const restore: FieldRestore = { values: converted.old };
  const explicit = Object.keys(restoreValues).length > 0 ? { values: pick(converted.changed, Object.keys(restoreValues)) } : {};
  session.push({ type: 'field.update', fieldId: field.id, before: { type: field.type }, after: { type: op.fieldType }, ...explicit }, restore);
  session.history.record(field.id, 'field', { type: field.type }, { type: op.fieldType, key: field.key });
}

/** Removes a field with its values and measurements, keeping both for an undo. */
export async function deleteField(session: EditSession, opIndex: number, op: Op<'field.delete'>): Promise<void> {
  const field = liveFieldOrConflict(session, opIndex, op.fieldId);
  if (!field) return;

  await session.flush();
  const { trx, options } = session;
  const values = Object.fromEntries(await readFieldValues(session, field.key));
  const measurements = await trx.raw('SELECT to_jsonb(m) AS row FROM measurements m WHERE m.field_id = ?', [field.id]);
  await trx.raw(
    `UPDATE samples SET values = values - ?::text, cell_seqs = cell_seqs - ?::text
     WHERE dataset_id = ? AND (values \\? ?::text OR cell_seqs \\? ?::text)`,
    [field.key, valueCell(field.key), options.datasetId, field.key, valueCell(field.key)],
  );
  await trx('dataset_fields').where({ id: field.id }).delete();
  for (const row of session.liveRows()) {
    delete row.values[field.key];
    delete row.cellSeqs[valueCell(field.key)];
  }
  session.dropField(field.id);

  const restore: FieldRestore = { values, measurements: (measurements.rows as { row: Record<string, unknown> }[]).map((r) => r.row) };
  session.push({ type: 'field.delete', field: fieldDto(field) }, restore);
  session.history.record(field.id, 'field', fieldDto(field), null);
}

/** Puts back a removed field with its values and measurements, for an undo. */
export async function restoreField(session: EditSession, opIndex: number, op: Op<'field.restore'>): Promise<void> {
  const existing = session.field(op.field.id) ?? session.fieldByKey(op.field.key);
  if (existing) {
    session.conflict({ opIndex, reason: 'exists', sampleId: null, fieldId: existing.id, cell: null, current: fieldDto(existing), seq: existing.seq });
    return;
  }

  await session.flush();
  const field = await writeNewField(session, op.field);
  const restored = await restoreValues(session, field.key, op.values);
  await restoreMeasurements(session.trx, op.measurements);
  for (const row of session.liveRows()) {
    if (row.id in restored) {
      row.values[field.key] = restored[row.id]!;
      row.cellSeqs[valueCell(field.key)] = session.seq;
    }
  }
  session.push({ type: 'field.insert', field: fieldDto(field), values: restored });
  session.history.record(field.id, 'field', null, fieldDto(field));
}

/**
 * Returns the field an operation addresses. A field removed after the client's seq, or changed
 * after it by someone else, is a conflict; a field that never existed is invalid input.
 */
function liveFieldOrConflict(session: EditSession, opIndex: number, fieldId: string): FieldState | undefined {
  const field = session.field(fieldId);
  if (!field) {
    const removedAt = session.fieldRemovalSeq(fieldId);
    if (removedAt > session.options.baseSeq) {
      session.conflict({ opIndex, reason: 'deleted', sampleId: null, fieldId, cell: null, current: null, seq: removedAt });
      return undefined;
    }
    throw invalidOp(opIndex, 'fieldId', `no field ${fieldId} in this dataset`);
  }
  if (session.changedSince(field.seq)) {
    session.conflict({ opIndex, reason: 'changed', sampleId: null, fieldId, cell: null, current: fieldDto(field), seq: field.seq });
    return undefined;
  }
  return field;
}

async function writeNewField(
  session: EditSession,
  input: { id: string; key: string; label: string; type: FieldState['type']; position: number } & Partial<FieldState>,
): Promise<FieldState> {
  const [row] = await session.trx('dataset_fields')
    .insert({
      id: input.id,
      datasetId: session.options.datasetId,
      key: input.key,
      label: input.label,
      type: input.type,
      unit: input.unit ?? null,
      description: input.description ?? '',
      termIri: input.termIri ?? null,
      vocabularyIri: input.vocabularyIri ?? null,
      required: input.required ?? false,
      position: input.position,
      seq: session.seq,
    })
    .returning('*');
  const field = fieldFromDatabase(row as Record<string, unknown>);
  session.setField(field);
  return field;
}

async function writeFieldChanges(session: EditSession, field: FieldState, changes: Partial<FieldState>): Promise<FieldState> {
  const [row] = await session.trx('dataset_fields')
    .where({ id: field.id })
    .update({ ...changes, seq: session.seq, updatedAt: session.trx.fn.now() })
    .returning('*');
  const updated = fieldFromDatabase(row as Record<string, unknown>);
  session.setField(updated);
  return updated;
}

async function readFieldValues(session: EditSession, key: string): Promise<[string, CellValue][]> {
  const rows = await session.trx.raw('SELECT id, values -> ?::text AS value FROM samples WHERE dataset_id = ? AND values \\? ?::text', [
    key,
    session.options.datasetId,
    key,
  ]);
  return (rows.rows as { id: string; value: CellValue }[]).map((row) => [row.id, row.value]);
}

function convertAll(
  stored: [string, CellValue][],
  to: FieldState['type'],
  restoreValues: Record<string, CellValue>,
  opIndex: number,
): { changed: Record<string, CellValue>; old: Record<string, CellValue> } {
  if (stored.length > EDIT_LIMITS.maxRetypeConversions) {
    throw invalidOp(opIndex, 'fieldType', `the field has ${stored.length} values; at most ${EDIT_LIMITS.maxRetypeConversions} can be converted in one edit`);
  }
  const changed: Record<string, CellValue> = {};
  const old: Record<string, CellValue> = {};
  const failures: string[] = [];
  for (const [id, value] of stored) {
    const target = id in restoreValues ? { ok: true as const, value: restoreValues[id]! } : convertCellValue(value, to);
    if (!target.ok) {
      failures.push(target.problem);
      continue;
    }
    if (JSON.stringify(target.value) === JSON.stringify(value)) continue;
    changed[id] = target.value;
    old[id] = value;
  }
  if (failures.length > 0) {
    throw invalidOp(opIndex, 'fieldType', `${failures.length} value(s) do not convert, e.g. ${failures.slice(0, 3).join('; ')}`);
  }
  return { changed, old };
}

async function writeFieldValues(session: EditSession, key: string, values: Record<string, CellValue>): Promise<void> {
  const records = Object.entries(values).map(([id, value]) => ({ id, value }));
  if (records.length === 0) return;
  await session.trx.raw(
    `UPDATE samples AS s SET values = jsonb_set(s.values, ARRAY[?::text], u.value)
     FROM jsonb_to_recordset(?::jsonb) AS u(id uuid, value jsonb) WHERE s.id = u.id`,
    [key, JSON.stringify(records)],
  );
}

/** Writes the values back into rows that still exist and lack the key; returns those written. */
async function restoreValues(session: EditSession, key: string, values: Record<string, CellValue>): Promise<Record<string, CellValue>> {
  const records = Object.entries(values).map(([id, value]) => ({ id, value }));
  if (records.length === 0) return {};
  const result = await session.trx.raw(
    `UPDATE samples AS s SET values = s.values || jsonb_build_object(?::text, u.value),
       cell_seqs = s.cell_seqs || jsonb_build_object(?::text, ?::bigint)
     FROM jsonb_to_recordset(?::jsonb) AS u(id uuid, value jsonb)
     WHERE s.id = u.id AND s.dataset_id = ? AND NOT (s.values \\? ?::text)
     RETURNING s.id`,
    [key, valueCell(key), session.seq, JSON.stringify(records), session.options.datasetId, key],
  );
  return Object.fromEntries((result.rows as { id: string }[]).map((row) => [row.id, values[row.id]!]));
}

function pick(values: Record<string, CellValue>, ids: string[]): Record<string, CellValue> {
  return Object.fromEntries(ids.filter((id) => id in values).map((id) => [id, values[id]!]));
}
