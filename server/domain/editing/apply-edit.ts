import type { Knex } from 'knex';
import { Model } from 'objection';
import type { EditConflict } from '../../../common/editing/protocol.js';
import type { ParsedEditRequest, UndoRequest } from '../../../common/editing/requests.js';
import type { ChangeAuthor, DatasetChange, DatasetOp } from '../../../common/events.js';
import { isSignedIn, type SignedInActor } from '../../auth/actor.js';
import { decideDataset, requireSignedIn } from '../../auth/policy.js';
import { HttpError, notFound } from '../../http/http-error.js';
import { validationError } from '../../http/problem.js';
import { lockDataset } from '../change-log.js';
import { describeConflicts, EditConflictError } from './conflicts.js';
import { EditSession } from './edit-session.js';
import { readEditState, type EditState, type EditStateQuery } from './edit-state.js';
import type { InternalOp } from './internal-ops.js';
import { runOps } from './run-ops.js';
import { readStacks, type UndoStacks } from './undo-stacks.js';
import { invertOps } from './undo-ops.js';
import { rejectingDuplicateValues } from './unique-violations.js';
import { writeChange } from './write-change.js';

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

/** Operations that change only cells of existing rows; an edit of nothing else can take the fast path. */
const CELL_OPS = new Set(['cell.set', 'sample.set']);

/**
 * Applies a client's edit: checks the user may edit the dataset, returns the first result for a
 * retried mutation id, applies the operations that do not conflict, and appends one change-log
 * entry with their old and new values. Broadcast the change only after this returns, that is
 * after commit.
 *
 * Edits of cells only (typing, pasting) read everything in one query and write everything in
 * one statement that applies only while the dataset's seq is unchanged, so they cost two round
 * trips and no lock wait. When another change came first, or the edit adds or deletes rows or
 * changes fields, the edit runs in a transaction that locks the dataset first, which serialises
 * every writer of the dataset.
 *
 * `gate` (the rate limiter's verdict) is awaited before anything is written or returned, so the
 * read overlaps with the limiter's round trip to Redis and a rejected edit writes nothing.
 */
export async function applyEdit(userId: string, datasetId: string, request: ParsedEditRequest, gate: Promise<void> = Promise.resolve()): Promise<EditOutcome> {
  return rejectingDuplicateValues(request.ops, () => runEdit(userId, datasetId, request, gate));
}

async function runEdit(userId: string, datasetId: string, request: ParsedEditRequest, gate: Promise<void>): Promise<EditOutcome> {
  const query: EditStateQuery = {
    datasetId,
    userId,
    mutationId: request.mutationId,
    sampleIds: sampleIdsOf(request.ops),
    baseSeq: request.baseSeq,
    owner: request.clientId ? { clientId: request.clientId } : null,
  };
  if (request.ops.every((op) => CELL_OPS.has(op.type))) {
    const attempt = attemptEdit(Model.knex(), query, request, null, gate).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    await gate;
    const fast = await attempt;
    if ('error' in fast) throw fast.error;
    if (fast.result) return fast.result;
  }
  await gate;
  return Model.knex().transaction(async (trx) => {
    const lockedSeq = await lockOrFail(trx, datasetId);
    return (await attemptEdit(trx, query, request, lockedSeq, gate))!;
  });
}

/**
 * Makes one attempt at an edit. With `lockedSeq` the caller holds the dataset lock, so the write
 * cannot lose a race. Without it the write may find the seq moved, and the attempt returns null.
 */
async function attemptEdit(
  db: Knex | Knex.Transaction,
  query: EditStateQuery,
  request: ParsedEditRequest,
  lockedSeq: number | null,
  gate: Promise<void>,
): Promise<EditOutcome | null> {
  const state = await readEditState(db, query);
  if (!state) throw notFound('Dataset', query.datasetId);
  const actor = authorizeEdit(state);
  if (state.earlier) return duplicateOutcome(state, actor);
  if (request.baseSeq > state.seq) {
    throw validationError([{ field: 'baseSeq', message: `the dataset is at seq ${state.seq}; baseSeq ${request.baseSeq} is ahead of it` }]);
  }

  const session = new EditSession(db, {
    datasetId: query.datasetId,
    seq: state.seq + 1,
    baseSeq: request.baseSeq,
    overwrite: request.overwrite ?? false,
    clientId: request.clientId ?? null,
  });
  await runOps(session, request.ops, state);
  const conflicts = await describeConflicts(db, query.datasetId, session.conflicts);
  if (session.ops.length === 0) return outcome(null, conflicts, state.stacks);

  const stacks = { undo: [...state.stacks.undo, session.seq], redo: [] };
  await gate;
  const change = await commit(db, session, actor, request.mutationId, stacks, { kind: 'edit', revertsSeq: null, rejected: conflicts });
  if (!change && lockedSeq !== null) throw new Error(`Dataset ${query.datasetId} changed while its lock was held`);
  return change ? outcome(change, conflicts, stacks) : null;
}

/**
 * Undoes the user's latest change (or redoes the latest undone one) with a new change that puts
 * back the old values. Where someone else changed a cell, row or field since, nothing is applied
 * and the conflicts are returned, unless the request confirms with `overwrite`.
 */
export async function applyUndo(userId: string, datasetId: string, request: UndoRequest, direction: 'undo' | 'redo'): Promise<EditOutcome> {
  return rejectingDuplicateValues(null, () => runUndo(userId, datasetId, request, direction));
}

async function runUndo(userId: string, datasetId: string, request: UndoRequest, direction: 'undo' | 'redo'): Promise<EditOutcome> {
  return Model.knex().transaction(async (trx) => {
    await lockOrFail(trx, datasetId);
    const stacksBefore = await readStacks(trx, datasetId, userId);
    const target = (direction === 'undo' ? stacksBefore.undo : stacksBefore.redo).at(-1);
    const source = target === undefined ? undefined : ((await trx('dataset_changes').where({ datasetId, seq: target }).first('ops', 'restore')) as { ops: DatasetOp[]; restore: unknown[] | null });
    const inverse: InternalOp[] = source ? invertOps(target!, source.ops, source.restore) : [];

    const state = await readEditState(trx, {
      datasetId,
      userId,
      mutationId: request.mutationId,
      sampleIds: sampleIdsOf(inverse),
      baseSeq: target ?? 0,
      owner: { authorUserId: userId },
    });
    if (!state) throw notFound('Dataset', datasetId);
    const actor = authorizeEdit(state);
    if (state.earlier) return duplicateOutcome(state, actor);
    if (target === undefined) {
      throw new HttpError('not_found', direction === 'undo' ? 'There is nothing of yours to undo in this dataset.' : 'There is nothing to redo.');
    }

    const overwrite = request.overwrite ?? false;
    const session = new EditSession(trx, { datasetId, seq: state.seq + 1, baseSeq: target, overwrite });
    await runOps(session, inverse, state);
    const conflicts = await describeConflicts(trx, datasetId, session.conflicts);
    if (conflicts.length > 0 && !overwrite) {
      throw new EditConflictError(`Someone changed what this ${direction} would restore; confirm to overwrite their change.`, conflicts);
    }

    const stacks = { undo: [...state.stacks.undo], redo: [...state.stacks.redo] };
    (direction === 'undo' ? stacks.undo : stacks.redo).pop();
    if (session.ops.length === 0) {
      await trx('undo_stacks').where({ datasetId, userId }).update({ undo: stacks.undo, redo: stacks.redo });
      return outcome(null, conflicts, stacks);
    }
    (direction === 'undo' ? stacks.redo : stacks.undo).push(session.seq);
    const change = await commit(trx, session, actor, request.mutationId, stacks, { kind: direction, revertsSeq: target, rejected: conflicts });
    if (!change) throw new Error(`Dataset ${datasetId} changed while its lock was held`);
    return outcome(change, conflicts, stacks);
  });
}

/** Reads the depths of a user's undo and redo stacks, for the client's buttons. */
export async function undoDepths(datasetId: string, userId: string): Promise<{ undoDepth: number; redoDepth: number }> {
  const stacks = await readStacks(Model.knex(), datasetId, userId);
  return { undoDepth: stacks.undo.length, redoDepth: stacks.redo.length };
}

/** Decides with the policy, from the facts read with the edit, whether the user may edit the dataset. */
function authorizeEdit(state: EditState): SignedInActor {
  const actor = requireSignedIn(state.actor);
  decideDataset(actor, state.projectRole, 'edit', state.dataset);
  return actor;
}

async function lockOrFail(trx: Knex.Transaction, datasetId: string): Promise<number> {
  const seq = await lockDataset(trx, datasetId);
  if (seq === null) throw notFound('Dataset', datasetId);
  return seq;
}

async function commit(
  db: Knex | Knex.Transaction,
  session: EditSession,
  actor: SignedInActor,
  mutationId: string,
  stacks: UndoStacks,
  entry: { kind: 'edit' | 'undo' | 'redo'; revertsSeq: number | null; rejected: EditConflict[] },
): Promise<DatasetChange | null> {
  const author: ChangeAuthor = { type: 'user', id: actor.id, displayName: actor.displayName };
  return writeChange(db, {
    change: {
      datasetId: session.options.datasetId,
      author,
      mutationId,
      ops: session.ops,
      kind: entry.kind,
      revertsSeq: entry.revertsSeq,
      restore: session.restore.some((item) => item !== null) ? session.restore : null,
      rejected: entry.rejected,
      clientId: session.options.clientId ?? null,
    },
    expectedSeq: session.seq - 1,
    updates: session.dirtyRows(),
    history: session.history.values(),
    stacks: { userId: actor.id, ...stacks },
  });
}

/**
 * Returns the first result of a mutation id that was applied before. Mutation ids are unique
 * per dataset; one that another user sent is not theirs to retry.
 */
function duplicateOutcome(state: EditState, actor: SignedInActor): EditOutcome {
  const earlier = state.earlier!;
  if (isSignedIn(actor) && earlier.authorUserId !== actor.id) {
    throw validationError([{ field: 'mutationId', message: 'this mutation id is already used; make a new one for each edit' }]);
  }
  return { ...outcome(null, earlier.rejected ?? [], state.stacks), seq: earlier.seq, duplicate: true };
}

function sampleIdsOf(ops: readonly InternalOp[]): string[] {
  const ids = new Set<string>();
  for (const op of ops) {
    if ('sampleId' in op) ids.add(op.sampleId);
    if (op.type === 'sample.insert' || op.type === 'sample.restore') ids.add(op.sample.id);
    if (op.type === 'sample.insert' && op.afterId) ids.add(op.afterId);
  }
  return [...ids];
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
