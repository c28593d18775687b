import type { Knex } from 'knex';
import type { EditConflict } from '../../../common/editing/protocol.js';
import { HttpError } from '../../http/http-error.js';
import type { PendingConflict } from './edit-session.js';
import { changeAuthors } from './history.js';

/** Raised when an undo or redo meets someone else's later change and was not confirmed with `overwrite`. */
export class EditConflictError extends HttpError {
  override name = 'EditConflictError';

  constructor(
    message: string,
    readonly conflicts: EditConflict[],
  ) {
    super('conflict', message);
  }
}

/** Adds who made each conflicting change and when. */
export async function describeConflicts(trx: Knex | Knex.Transaction, datasetId: string, pending: PendingConflict[]): Promise<EditConflict[]> {
  const authors = await changeAuthors(trx, datasetId, pending.map((conflict) => conflict.seq));
  return pending.map((conflict) => {
    const change = authors.get(conflict.seq);
    return { ...conflict, changedBy: change?.author ?? null, changedAt: change?.createdAt ?? null };
  });
}
