import type { EditSession } from './edit-session.js';
import type { EditState } from './edit-state.js';
import { deleteField, insertField, restoreField, retypeField, updateField } from './field-ops.js';
import type { InternalOp } from './internal-ops.js';
import { deleteSample, insertSample, restoreSample, setCell, setSampleProperty } from './row-ops.js';

/**
 * Applies operations in order; a validation error stops the edit and rolls it back. Row updates
 * stay in memory for writeChange, which writes them with the change-log entry.
 */
export async function runOps(session: EditSession, ops: readonly InternalOp[], state: EditState): Promise<void> {
  await session.load(ops, state);
  for (const [index, op] of ops.entries()) {
    await runOp(session, index, op);
  }
  await session.flush({ deferUpdates: true });
}

async function runOp(session: EditSession, index: number, op: InternalOp): Promise<void> {
  switch (op.type) {
    case 'cell.set':
      return setCell(session, index, op);
    case 'sample.set':
      return setSampleProperty(session, index, op);
    case 'sample.insert':
      return insertSample(session, index, op);
    case 'sample.restore':
      return restoreSample(session, index, op);
    case 'sample.delete':
      return deleteSample(session, index, op);
    case 'field.insert':
      return insertField(session, index, op);
    case 'field.restore':
      return restoreField(session, index, op);
    case 'field.update':
      return updateField(session, index, op);
    case 'field.retype':
      return retypeField(session, index, op);
    case 'field.delete':
      return deleteField(session, index, op);
  }
}
