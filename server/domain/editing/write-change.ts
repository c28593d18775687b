import type { Knex } from 'knex';
import type { DatasetChange } from '../../../common/events.js';
import type { ProjectRole } from '../../../common/api/projects.js';
import type { PortalRole } from '../../../common/api/users.js';
import type { EditState } from './edit-state.js';
import type { UndoStacks } from './undo-stacks.js';
import { changeLogCtes, type ChangeInput } from '../change-log.js';
import type { HistoryEntry } from './history.js';
import type { RowState } from './row-state.js';
import { RECORD_COLUMNS, POINT, toRecord } from './row-writes.js';
import { EDIT_LIMITS } from '../../../common/editing/limits.js';
import { queryPrepared } from '../../db/prepared-statement.js';

export interface ChangeWrite {
  change: ChangeInput;
  /** The dataset's seq the edit was computed against; the write happens only while it still is. */
  expectedSeq: number;
  /** Rows whose values or properties changed. */
  updates: RowState[];
  history: HistoryEntry[];
  stacks: UndoStacks & { userId: string };
  /** The facts the edit was decided on; the write applies only while all of them still hold. */
  decidedOn: DecisionFacts;
}

/** The facts the policy allowed an edit on, and the undo stacks it started from. */
export interface DecisionFacts {
  user: { id: string; role: PortalRole; displayName: string };
  projectRole: ProjectRole | null;
  dataset: Pick<EditState['dataset'], 'projectId' | 'visibility' | 'state' | 'embargoUntil'>;
  stacks: UndoStacks;
}

/**
 * Holds while the user's role and name, their role in the project, the dataset's project,
 * visibility, state and embargo, and the user's undo stacks are what the edit was decided on.
 * Evaluated on the dataset's row in the statement's `bumped` update. The embargo is compared to
 * the millisecond, because PostgreSQL keeps microseconds and a JavaScript Date does not.
 */
function unchangedSince(facts: DecisionFacts): { sql: string; bindings: Knex.Value[] } {
  return {
    sql: `(SELECT u.role = ? AND u.display_name = ? FROM users u WHERE u.id = ?)
      AND (SELECT pm.role FROM project_members pm WHERE pm.project_id = datasets.project_id AND pm.user_id = ?) IS NOT DISTINCT FROM ?
      AND project_id = ? AND visibility = ? AND state = ?
      AND (embargo_until IS NULL) = (?::timestamptz IS NULL)
      AND (embargo_until IS NULL OR abs(extract(epoch FROM embargo_until - ?::timestamptz)) < 0.001)
      AND coalesce((SELECT st.undo FROM undo_stacks st WHERE st.dataset_id = datasets.id AND st.user_id = ?), '{}') = ?::bigint[]
      AND coalesce((SELECT st.redo FROM undo_stacks st WHERE st.dataset_id = datasets.id AND st.user_id = ?), '{}') = ?::bigint[]`,
    bindings: [
      facts.user.role,
      facts.user.displayName,
      facts.user.id,
      facts.user.id,
      facts.projectRole,
      facts.dataset.projectId,
      facts.dataset.visibility,
      facts.dataset.state,
      facts.dataset.embargoUntil,
      facts.dataset.embargoUntil,
      facts.user.id,
      facts.stacks.undo,
      facts.user.id,
      facts.stacks.redo,
    ],
  };
}

/** Trims undo and redo stacks as they are stored: the latest EDIT_LIMITS.maxUndoDepth of each. */
export function storedStacks(stacks: UndoStacks): UndoStacks {
  return { undo: stacks.undo.slice(-EDIT_LIMITS.maxUndoDepth), redo: stacks.redo.slice(-EDIT_LIMITS.maxUndoDepth) };
}

/**
 * Writes an edit in one statement. Every other part of the statement waits for `bumped`, so the
 * dataset row is locked before any sample row, the same order as the locking path's.
 * The statement writes the dataset's new seq and change-log entry, the changed rows
 * (version + 1), the cell history and the user's undo stacks. When the dataset's seq is no longer
 * `expectedSeq`, or a fact the edit was decided on changed (a role, the dataset's visibility, the
 * undo stacks), nothing is written and null is returned, so the caller can read again and retry.
 * The statement is a named prepared statement, so each connection plans it once.
 */
export async function writeChange(db: Knex | Knex.Transaction, input: ChangeWrite): Promise<DatasetChange | null> {
  const log = changeLogCtes(input.change, input.expectedSeq, unchangedSince(input.decidedOn));
  const { undo, redo } = storedStacks(input.stacks);
  const rows = await queryPrepared<{ seq: string; created_at: Date }>(
    db,
    'fairport_write_change',
    `WITH ${log.sql},
     updated AS (
       UPDATE samples AS s SET name = u.name, igsn = u.igsn, material = u.material, location = ${POINT},
         location_text = u.location_text, elevation = u.elevation, collected_at = u.collected_at,
         collected_at_precision = u.collected_at_precision, values = u.values, cell_seqs = u.cell_seqs, seq = u.seq,
         version = s.version + 1, updated_at = now()
       FROM jsonb_to_recordset(?::jsonb) AS u(${RECORD_COLUMNS})
       WHERE s.id = u.id AND EXISTS (SELECT 1 FROM bumped)
       RETURNING 1
     ), history AS (
       INSERT INTO cell_history (dataset_id, target_id, cell, seq, old_value, new_value)
       SELECT ?, h.target_id, h.cell, change.seq, coalesce(h.old_value, 'null'::jsonb), coalesce(h.new_value, 'null'::jsonb)
       FROM jsonb_to_recordset(?::jsonb) AS h(target_id uuid, cell text, old_value jsonb, new_value jsonb), change
       RETURNING 1
     ), stacks AS (
       INSERT INTO undo_stacks (dataset_id, user_id, undo, redo)
       SELECT ?, ?, ?::bigint[], ?::bigint[] FROM bumped
       ON CONFLICT (dataset_id, user_id) DO UPDATE SET undo = EXCLUDED.undo, redo = EXCLUDED.redo
       RETURNING 1
     )
     SELECT change.seq, change.created_at, (SELECT count(*) FROM updated) AS updated, (SELECT count(*) FROM history) AS history,
       (SELECT count(*) FROM stacks) AS stacks
     FROM change`,
    [
      ...log.bindings,
      JSON.stringify(input.updates.map(toRecord)),
      input.change.datasetId,
      JSON.stringify(input.history.map((entry) => ({ target_id: entry.targetId, cell: entry.cell, old_value: entry.oldValue ?? null, new_value: entry.newValue ?? null }))),
      input.change.datasetId,
      input.stacks.userId,
      undo,
      redo,
    ],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    datasetId: input.change.datasetId,
    seq: Number(row.seq),
    mutationId: input.change.mutationId,
    author: input.change.author,
    ops: input.change.ops,
    createdAt: row.created_at.toISOString(),
  };
}
