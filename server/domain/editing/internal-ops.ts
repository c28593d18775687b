import type { Field } from '../../../common/api/fields.js';
import type { CellValue, Sample } from '../../../common/api/samples.js';
import type { ParsedEditOp } from '../../../common/editing/requests.js';
import type { DeletedRowRestore } from './row-writes.js';

/**
 * The operations an edit session applies: those clients send, plus the ones undo and redo build
 * to put back what a change removed. Clients cannot send the extra ones; they carry data the
 * server kept (`restore` of the change log), such as a deleted row's measurements.
 */
export type InternalOp =
  | ParsedEditOp
  | { type: 'sample.restore'; sample: Sample; links: DeletedRowRestore }
  | { type: 'field.restore'; field: Field; values: Record<string, CellValue>; measurements: Record<string, unknown>[] }
  | { type: 'field.retype'; fieldId: string; fieldType: Field['type']; restoreValues: Record<string, CellValue> };

/** What undoing a field's removal or retype needs, stored per operation in the change log. */
export interface FieldRestore {
  values: Record<string, CellValue>;
  measurements?: Record<string, unknown>[];
}
