import type { Knex } from 'knex';
import { Model } from 'objection';
import type { EditConflict } from '../../../common/editing/protocol.js';
import type { ParsedEditRequest, UndoRequest } from '../../../common/editing/requests.js';
import type { ChangeAuthor, DatasetChange, DatasetOp } from '../../../common/events.js';
import type { SignedInActor } from '../../auth/actor.js';
import { HttpError, notFound } from '../../http/http-error.js';
import { validationError } from '../../http/problem.js';
import { appendChange, lockDataset } from '../change-log.js';
import { describeConflicts, EditConflictError } from './conflicts.js';
import { EditSession } from './edit-session.js';
import { writeHistory } from './history.js';
import type { InternalOp } from './internal-ops.js';
import { runOps } from './run-ops.js';
import { readStacks, writeStacks, type UndoStacks } from './undo-stacks.js';
import { invertOps } from './undo-ops.js';

/** The result of an edit, undo or redo: the committed change (null when nothing applied) and its conflicts. */
export interface EditOutcome {
  seq: number | null;
  change: DatasetChange | null;
  conflicts: EditConflict[];
  /** Whether the mutation id had been applied before; its first result is returned and nothing is broadcast again. */
  duplicate: boolean;
  undoDepth: number;
  redoDepth: number;
}

/**
 * Applies a client's edit in one transaction: locks the dataset (which serialises every writer of
 * it), answers a retried mutation id with its first result, applies the operations that do not
 * conflict, and appends one change-log entry with their old and new values. Broadcast the change
 * only after this returns, that is after commit.
 */
export async function applyEdit(actor: SignedInActor, datasetId: string, request: ParsedEditRequest): Promise<EditOutcome> {
  return Model.knex().transaction(async (trx) => {
    const currentSeq = await lockOrFail(trx, datasetId);
    const earlier = await findMutation(trx, datasetId, request.mutationId, actor.id);
    if (earlier) return earlier;
    if (request.baseSeq > currentSeq) {
      throw validationError([{ field: 'baseSeq', message: `the dataset is at seq ${currentSeq}; baseSeq ${request.baseSeq} is ahead of it` }]);
    }

    const session = new EditSession(trx, {
      datasetId,
      seq: currentSeq + 1,
      baseSeq: request.baseSeq,
      overwrite: request.overwrite ?? false,
      clientId: request.clientId ?? null,
    });
    await runOps(session, request.ops);
    const conflicts = await describeConflicts(trx, datasetId, session.conflicts);
    const stacks = await readStacks(trx, datasetId, actor.id);
    if (session.ops.length === 0) return outcome(null, conflicts, stacks);

    const change = await commitChange(trx, session, actor, request.mutationId, { kind: 'edit', revertsSeq: null, rejected: conflicts });
    stacks.undo.push(change.seq);
    stacks.redo = [];
    await writeStacks(trx, datasetId, actor.id, stacks);
    return outcome(change, conflicts, stacks);
  });
}

/**
 * Undoes the user's latest change (or redoes the latest undone one) with a new change that puts
 * back the old values. Where someone else changed a cell, row or field since, nothing is applied
 * and the conflicts are returned, unless the request confirms with `overwrite`.
 */
export async function applyUndo(actor: SignedInActor, datasetId: string, request: UndoRequest, direction: 'undo' | 'redo'): Promise<EditOutcome> {
  return Model.knex().transaction(async (trx) => {
    const currentSeq = await lockOrFail(trx, datasetId);
    const earlier = await findMutation(trx, datasetId, request.mutationId, actor.id);
    if (earlier) return earlier;

    const stacks = await readStacks(trx, datasetId, actor.id);
    const target = (direction === 'undo' ? stacks.undo : stacks.redo).at(-1);
    if (target === undefined) {
      throw new HttpError('not_found', direction === 'undo' ? 'There is nothing of yours to undo in this dataset.' : 'There is nothing to redo.');
    }

    const source = (await trx('dataset_changes').where({ datasetId, seq: target }).first('ops', 'restore')) as { ops: DatasetOp[]; restore: unknown[] | null };
    const inverse: InternalOp[] = invertOps(target, source.ops, source.restore);
    const overwrite = request.overwrite ?? false;
    const session = new EditSession(trx, { datasetId, seq: currentSeq + 1, baseSeq: target, overwrite, authorId: actor.id });
    await runOps(session, inverse);
    const conflicts = await describeConflicts(trx, datasetId, session.conflicts);
    if (conflicts.length > 0 && !overwrite) {
      throw new EditConflictError(`Someone changed what this ${direction} would restore; confirm to overwrite their change.`, conflicts);
    }

    if (direction === 'undo') stacks.undo.pop();
    else stacks.redo.pop();
    if (session.ops.length === 0) {
      await writeStacks(trx, datasetId, actor.id, stacks);
      return outcome(null, conflicts, stacks);
    }

    const change = await commitChange(trx, session, actor, request.mutationId, { kind: direction, revertsSeq: target, rejected: conflicts });
    (direction === 'undo' ? stacks.redo : stacks.undo).push(change.seq);
    await writeStacks(trx, datasetId, actor.id, stacks);
    return outcome(change, conflicts, stacks);
  });
}

/** The depths of a user's undo and redo stacks, for the client's buttons. */
export async function undoDepths(datasetId: string, userId: string): Promise<{ undoDepth: number; redoDepth: number }> {
  const stacks = await readStacks(Model.knex(), datasetId, userId);
  return { undoDepth: stacks.undo.length, redoDepth: stacks.redo.length };
}

async function lockOrFail(trx: Knex.Transaction, datasetId: string): Promise<number> {
  const seq = await lockDataset(trx, datasetId);
  if (seq === null) throw notFound('Dataset', datasetId);
  return seq;
}

async function commitChange(
  trx: Knex.Transaction,
  session: EditSession,
  actor: SignedInActor,
  mutationId: string,
  entry: { kind: 'edit' | 'undo' | 'redo'; revertsSeq: number | null; rejected: EditConflict[] },
): Promise<DatasetChange> {
  const author: ChangeAuthor = { type: 'user', id: actor.id, displayName: actor.displayName };
  const change = await appendChange(trx, {
    datasetId: session.options.datasetId,
    author,
    mutationId,
    ops: session.ops,
    kind: entry.kind,
    revertsSeq: entry.revertsSeq,
    restore: session.restore.some((item) => item !== null) ? session.restore : null,
    rejected: entry.rejected,
    clientId: session.options.clientId ?? null,
  });
  if (change.seq !== session.seq) {
    throw new Error(`Change of dataset ${session.options.datasetId} got seq ${change.seq}, expected ${session.seq}; the dataset lock was not held`);
  }
  await writeHistory(trx, session.options.datasetId, change.seq, session.history.values());
  return change;
}

/**
 * Finds an earlier application of a mutation id. Mutation ids are unique per dataset; one that
 * another user sent is not theirs to retry.
 */
async function findMutation(trx: Knex.Transaction, datasetId: string, mutationId: string, userId: string): Promise<EditOutcome | null> {
  const row = (await trx('dataset_changes').where({ datasetId, mutationId }).first('seq', 'rejected', 'authorUserId')) as
    | { seq: number; rejected: EditConflict[] | null; authorUserId: string | null }
    | undefined;
  if (!row) return null;
  if (row.authorUserId !== userId) {
    throw validationError([{ field: 'mutationId', message: 'this mutation id is already used; make a new one for each edit' }]);
  }
  const stacks = await readStacks(trx, datasetId, userId);
  return { ...outcome(null, row.rejected ?? [], stacks), seq: Number(row.seq), duplicate: true };
}

function outcome(change: DatasetChange | null, conflicts: EditConflict[], stacks: UndoStacks): EditOutcome {
  return {
    seq: change?.seq ?? null,
    change,
    conflicts,
    duplicate: false,
    undoDepth: stacks.undo.length,
    redoDepth: stacks.redo.length,
  };
}
