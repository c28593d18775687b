import type { Field as FieldDto, FieldCreate, FieldUpdate } from '../../common/api/fields.js';
import type { DatasetChange } from '../../common/events.js';
import type { SignedInActor } from '../auth/actor.js';
import { DatasetField } from '../db/models/dataset-field.js';
import type { Dataset } from '../db/models/dataset.js';
import { Sample } from '../db/models/sample.js';
import { HttpError, notFound } from '../http/http-error.js';
import { appendChange, lockDataset } from './change-log.js';
import { recordFieldChange } from './editing/rest-changes.js';
import { fieldKeyFromLabel } from './field-keys.js';
import { iso } from './timestamps.js';

const UNIQUE_VIOLATION = '23505';

export function toFieldDto(field: DatasetField): FieldDto {
  return {
    id: field.id,
    datasetId: field.datasetId,
    key: field.key,
    label: field.label,
    type: field.type,
    unit: field.unit,
    description: field.description,
    termIri: field.termIri,
    vocabularyIri: field.vocabularyIri,
    required: field.required,
    position: field.position,
    createdAt: iso(field.createdAt),
    updatedAt: iso(field.updatedAt),
  };
}

/** The dataset's fields in column order. */
export async function listFields(datasetId: string): Promise<DatasetField[]> {
  return DatasetField.query().where('datasetId', datasetId).orderBy('position').orderBy('key');
}

export async function getField(datasetId: string, fieldId: string): Promise<DatasetField> {
  const field = await DatasetField.query().findOne({ id: fieldId, datasetId });
  if (!field) throw notFound('Field', fieldId);
  return field;
}

/** Adds a field at the end of the dataset's columns and logs the change. */
export async function createField(
  actor: SignedInActor,
  dataset: Dataset,
  input: Required<Omit<FieldCreate, 'key'>> & { key?: string | undefined },
): Promise<{ field: DatasetField; change: DatasetChange }> {
  const key = input.key ?? fieldKeyFromLabel(input.label);
  try {
    return await DatasetField.transaction(async (trx) => {
      await lockDataset(trx, dataset.id);
      const last = await DatasetField.query(trx).where('datasetId', dataset.id).max('position as max').first();
      const position = ((last as unknown as { max: number | null } | undefined)?.max ?? -1) + 1;
      const field = await DatasetField.query(trx).insertAndFetch({ ...input, key, datasetId: dataset.id, position });
      const change = await appendChange(trx, {
        datasetId: dataset.id,
        author: { type: 'user', id: actor.id, displayName: actor.displayName },
        mutationId: null,
        ops: [{ type: 'field.insert', field: toFieldDto(field) }],
      });
      await recordFieldChange(trx, dataset.id, change.seq, field.id, null, toFieldDto(field));
      return { field, change };
    });
  } catch (error) {
    if ((error as { nativeError?: { code?: string } }).nativeError?.code === UNIQUE_VIOLATION) {
      throw new HttpError('conflict', `The dataset already has a field with key "${key}"; choose another key.`, [
        { field: 'body.key', message: 'already used in this dataset' },
      ]);
    }
    throw error;
  }
}

/**
 * Updates a field's description and logs the change. The type may change only while no sample
 * has a value for the field, because existing values would no longer fit.
 */
export async function updateField(
  actor: SignedInActor,
  field: DatasetField,
  changes: FieldUpdate,
): Promise<{ field: DatasetField; change: DatasetChange | null }> {
  if (Object.keys(changes).length === 0) return { field, change: null };

  return DatasetField.transaction(async (trx) => {
    await lockDataset(trx, field.datasetId);
    if (changes.type !== undefined && changes.type !== field.type) {
      const used = await Sample.query(trx)
        .where('datasetId', field.datasetId)
        .whereRaw('values \\? ?', [field.key])
        .select('id')
        .first();
      if (used) {
        // Live edits retype fields with values (converting them); this REST route only retypes empty fields.
        throw new HttpError('conflict', `Field "${field.key}" already has values, so its type cannot change.`, [
          { field: 'body.type', message: 'field has values' },
        ]);
      }
    }

    const updated = await DatasetField.query(trx).patchAndFetchById(field.id, changes);
    const before = Object.fromEntries(Object.keys(changes).map((key) => [key, field[key as keyof FieldUpdate]]));
    const change = await appendChange(trx, {
      datasetId: field.datasetId,
      author: { type: 'user', id: actor.id, displayName: actor.displayName },
      mutationId: null,
      ops: [{ type: 'field.update', fieldId: field.id, before, after: changes }],
    });
    await recordFieldChange(trx, field.datasetId, change.seq, field.id, before, { ...changes, key: field.key });
    return { field: updated, change };
  });
}
