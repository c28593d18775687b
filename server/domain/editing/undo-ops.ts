import type { FieldType } from '../../../common/api/fields.js';
import type { ParsedEditOp } from '../../../common/editing/requests.js';
import type { DatasetOp } from '../../../common/events.js';
import { HttpError } from '../../http/http-error.js';
import type { FieldRestore, InternalOp } from './internal-ops.js';
import type { DeletedRowRestore } from './row-writes.js';

const FIELD_PROPERTIES = ['label', 'unit', 'description'] as const;

/**
 * Builds the operations that reverse a change: each op's inverse, last op first. Applied with the
 * reversed change's seq as the base seq, they conflict exactly where someone else changed a cell,
 * row or field after it.
 */
export function invertOps(seq: number, ops: readonly DatasetOp[], restore: readonly unknown[] | null): InternalOp[] {
  const inverse: InternalOp[] = [];
  for (let index = ops.length - 1; index >= 0; index -= 1) {
    inverse.push(...invertOp(seq, ops[index]!, restore?.[index] ?? null));
  }
  return inverse;
}

function invertOp(seq: number, op: DatasetOp, restore: unknown): InternalOp[] {
  switch (op.type) {
    case 'cell.set':
      return [{ type: 'cell.set', sampleId: op.sampleId, key: op.key, value: op.before }];
    case 'sample.set':
      return [{ type: 'sample.set', sampleId: op.sampleId, property: op.property, value: op.before }];
    case 'sample.insert':
      return [{ type: 'sample.delete', sampleId: op.sample.id }];
    case 'sample.delete':
      return [{ type: 'sample.restore', sample: op.before, links: (restore as DeletedRowRestore | null) ?? { measurements: [], children: [] } }];
    case 'field.insert':
      return [{ type: 'field.delete', fieldId: op.field.id }];
    case 'field.delete': {
      const kept = (restore as FieldRestore | null) ?? { values: {} };
      return [{ type: 'field.restore', field: op.field, values: kept.values, measurements: kept.measurements ?? [] }];
    }
    case 'field.update':
      return invertFieldUpdate(op, restore as FieldRestore | null);
    case 'sample.update':
    case 'import.merge':
    case 'dataset.publish':
      throw new HttpError('conflict', `Change ${seq} was made through the REST API, an import or a publication, which live undo does not reverse.`);
  }
}

function invertFieldUpdate(op: Extract<DatasetOp, { type: 'field.update' }>, restore: FieldRestore | null): InternalOp[] {
  const inverse: InternalOp[] = [];
  const changes: Extract<ParsedEditOp, { type: 'field.update' }>['changes'] = {};
  for (const property of FIELD_PROPERTIES) {
    if (property in op.before) (changes as Record<string, unknown>)[property] = op.before[property];
  }
  if (Object.keys(changes).length > 0) inverse.push({ type: 'field.update', fieldId: op.fieldId, changes });
  if (op.before.type !== undefined && op.before.type !== op.after.type) {
    inverse.push({ type: 'field.retype', fieldId: op.fieldId, fieldType: op.before.type as FieldType, restoreValues: restore?.values ?? {} });
  }
  return inverse;
}
