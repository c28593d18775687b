import type { Knex } from 'knex';
import { Model } from 'objection';
import type { EditConflict } from '../../../common/editing/protocol.js';
import type { ParsedEditRequest, UndoRequest } from '../../../common/editing/requests.js';
import type { ChangeAuthor, DatasetChange, DatasetOp } from '../../../common/events.js';
import { isSignedIn, type SignedInActor } from '../../auth/actor.js';
import { decideDataset, requireSignedIn } from '../../auth/policy.js';
import { HttpError, notFound } from '../../http/http-error.js';
import { moduleLogger } from '../../observability/logger.js';
import { validationError } from '../../http/problem.js';
import { lockDataset } from '../change-log.js';
import { describeConflicts, EditConflictError } from './conflicts.js';
import { EditSession } from './edit-session.js';
import { readEditState, type EditState, type EditStateQuery } from './edit-state.js';
import { EditStateCache } from './edit-state-cache.js';
import type { InternalOp } from './internal-ops.js';
import { runOps } from './run-ops.js';
import { readStacks, type UndoStacks } from './undo-stacks.js';
import { invertOps } from './undo-ops.js';
import { rejectingDuplicateValues } from './unique-violations.js';
import { storedStacks, writeChange, type DecisionFacts } from './write-change.js';

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

/** This node's states left by clients' last cell edits (see EditStateCache). */
const stateCache = new EditStateCache();
const log = moduleLogger('editing');

/**
 * Applies a client's edit: checks the user may edit the dataset, returns the first result for a
 * retried mutation id, applies the operations that do not conflict, and appends one change-log
 * entry with their old and new values. Broadcast the change only after this returns, that is
 * after commit.
 *
 * Edits of cells only (typing, pasting) read everything in one query and write everything in
 * one statement that applies only while the dataset's seq and the facts the edit was allowed on
 * are unchanged, so they cost two round trips and no lock wait. A client's next cell edit on the
 * same node starts from the state its last one left (EditStateCache) and costs one round trip
 * while the dataset did not change in between. When another change came first, or the edit
 * adds or deletes rows or changes fields, the edit runs in a transaction that locks the dataset
 * first, which serialises every writer of the dataset.
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
  const cellsOnly = request.ops.every((op) => CELL_OPS.has(op.type));
  const cacheKey = cellsOnly && request.clientId ? `${datasetId}:${userId}:${request.clientId}` : null;
  if (cacheKey) {
    const cached = await attemptFromCache(cacheKey, query, request, gate);
    if (cached) return cached;
  }
  if (cellsOnly) {
    const attempt = attemptEdit(Model.knex(), query, request, null, gate, { cacheKey }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    await gate;
    const fast = await attempt;
    if ('error' in fast) throw fast.error;
    if (fast.result) return fast.result;
  }
  await gate;
  // The state is cached only after an edit committed, and this transaction commits after the
  // attempt returns, so the locking path leaves nothing in the cache.
  if (cacheKey) stateCache.forget(cacheKey);
  return Model.knex().transaction(async (trx) => {
    const lockedSeq = await lockOrFail(trx, datasetId);
    return (await attemptEdit(trx, query, request, lockedSeq, gate, { cacheKey: null }))!;
  });
}

/**
 * Tries a cell edit from the state the client's last edit left on this node. Returns null, and
 * the edit runs again from a fresh read, unless every operation applied and the write found the
 * dataset and the facts as the state has them. Nothing is written when it returns null.
 */
async function attemptFromCache(cacheKey: string, query: EditStateQuery, request: ParsedEditRequest, gate: Promise<void>): Promise<EditOutcome | null> {
  await gate;
  const state = stateCache.take(cacheKey, request.baseSeq, query.sampleIds);
  if (!state) return null;
  try {
    const result = await attemptEdit(Model.knex(), query, request, null, gate, { cacheKey, cached: state });
    if (!result) stateCache.forget(cacheKey, true);
    return result;
  } catch (error) {
    // A retried mutation id, an invalid value or an unknown field: the fresh read decides.
    log.debug({ err: error, datasetId: query.datasetId, userId: query.userId }, 'cached edit attempt failed, reading afresh');
    stateCache.forget(cacheKey);
    return null;
  }
}

/**
 * Makes one attempt at an edit. With `lockedSeq` the caller holds the dataset lock, so the write
 * cannot lose a race. Without it the write may find the seq moved, and the attempt returns null.
 * With `cached` the attempt starts from that state instead of reading, and returns null unless
 * every operation applies. With `cacheKey` a committed edit leaves its state in the cache.
 */
async function attemptEdit(
  db: Knex | Knex.Transaction,
  query: EditStateQuery,
  request: ParsedEditRequest,
  lockedSeq: number | null,
  gate: Promise<void>,
  options: { cacheKey: string | null; cached?: EditState },
): Promise<EditOutcome | null> {
  const state = options.cached ?? (await readEditState(db, query));
  if (!state) throw notFound('Dataset', query.datasetId);
  const actor = authorizeEdit(state);
  if (state.earlier) return duplicateOutcome(state, actor);
  if (request.baseSeq > state.seq) {
    throw validationError([{ field: 'baseSeq', message: `the dataset is at seq ${state.seq}; baseSeq ${request.baseSeq} is ahead of it` }]);
  }

  const readSeq = state.seq;
  const session = new EditSession(db, {
    datasetId: query.datasetId,
    seq: state.seq + 1,
    baseSeq: request.baseSeq,
    overwrite: request.overwrite ?? false,
    clientId: request.clientId ?? null,
  });
  await runOps(session, request.ops, state);
  // A cached state may be stale. Only a write checks it, so conflicts found in it count for nothing.
  if (options.cached && (session.conflicts.length > 0 || session.ops.length === 0)) return null;
  const conflicts = await describeConflicts(db, query.datasetId, session.conflicts);
  if (session.ops.length === 0) return outcome(null, conflicts, state.stacks);

  const stacks = { undo: [...state.stacks.undo, session.seq], redo: [] };
  await gate;
  const change = await commit(db, session, actor, request.mutationId, stacks, { kind: 'edit', revertsSeq: null, rejected: conflicts }, decisionFacts(state, actor));
  if (!change && lockedSeq !== null) throw changedUnderLock();
  if (!change) return null;
  if (options.cacheKey) stateCache.remember(options.cacheKey, stateAfter(state, change.seq, stacks), readSeq, request.baseSeq);
  return outcome(change, conflicts, stacks);
}

/** Builds the state a committed cell edit leaves: its rows as written, the new seq and the new stacks. */
function stateAfter(state: EditState, seq: number, stacks: UndoStacks): EditState {
  for (const row of state.rows.values()) {
    if (!row.dirty) continue;
    // The write adds 1 to each changed row's version. The row's updatedAt stays as read: cell
    // edits store no row snapshots, so nothing reads it from here.
    row.dirty = false;
    row.version += 1;
  }
  return { ...state, seq, earlier: null, stacks: storedStacks(stacks), ownSeqs: new Set([...state.ownSeqs, seq]) };
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
    const change = await commit(trx, session, actor, request.mutationId, stacks, { kind: direction, revertsSeq: target, rejected: conflicts }, decisionFacts(state, actor));
    if (!change) throw changedUnderLock();
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

/** Collects the facts the policy allowed the edit on, for the write to check again. */
function decisionFacts(state: EditState, actor: SignedInActor): DecisionFacts {
  return {
    user: { id: actor.id, role: actor.role, displayName: actor.displayName },
    projectRole: state.projectRole,
    dataset: state.dataset,
    stacks: state.stacks,
  };
}

/**
 * With the dataset locked its seq cannot move, so a write that applied nothing found a user's
 * role or the dataset's access settings changed since the edit read them.
 */
function changedUnderLock(): HttpError {
  return new HttpError('conflict', "Your role or the dataset's access settings changed while the edit was being saved, so nothing was saved. Try again.");
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
  decidedOn: DecisionFacts,
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
    decidedOn,
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
