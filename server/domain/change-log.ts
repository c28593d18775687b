import type { Knex } from 'knex';
import type { ChangeAuthor, DatasetChange, DatasetOp } from '../../common/events.js';

export interface ChangeInput {
  datasetId: string;
  author: ChangeAuthor;
  mutationId: string | null;
  ops: DatasetOp[];
  /** `undo` and `redo` changes reverse the change `revertsSeq`; every other change is an `edit`. */
  kind?: 'edit' | 'undo' | 'redo';
  revertsSeq?: number | null;
  /** Data an undo of the change needs beyond its ops, one entry per op. It is stored and never broadcast. */
  restore?: unknown[] | null;
  /** Conflicts of a partly applied edit, returned again when its mutation id is retried. */
  rejected?: unknown[] | null;
  /** The client (browser tab) that sent a live edit. */
  clientId?: string | null;
}

/**
 * Locks a dataset's row until the transaction ends. REST writes of rows and fields, undo, redo and
 * live edits that add rows or change fields take this lock first, so they run one after another and
 * cannot deadlock on row locks taken in different orders. Cell-only live edits skip it and guard
 * their single statement with the expected seq (changeLogCtes). Returns the dataset's current seq,
 * or null when the dataset is gone.
 */
export async function lockDataset(trx: Knex.Transaction, datasetId: string): Promise<number | null> {
  const row = (await trx('datasets').where({ id: datasetId }).forUpdate().first('seq')) as { seq: number } | undefined;
  return row ? Number(row.seq) : null;
}

/**
 * Appends one entry to a dataset's change log inside the caller's transaction and returns it
 * with its new seq. Bumping `datasets.seq` takes the dataset row's lock, so concurrent changes to
 * one dataset are numbered in commit order without gaps. Broadcast the result only after commit.
 */
export async function appendChange(trx: Knex.Transaction, input: ChangeInput): Promise<DatasetChange> {
  const bumped = await trx('datasets')
    .where({ id: input.datasetId })
    .increment('seq', 1)
    .returning(['seq']);
  const seq = (bumped[0] as { seq: number } | undefined)?.seq;
  if (seq === undefined) {
    throw new Error(`Dataset ${input.datasetId} does not exist`);
  }

  const [row] = await trx('dataset_changes')
    .insert({
      datasetId: input.datasetId,
      seq,
      authorUserId: input.author.type === 'user' ? input.author.id : input.author.userId,
      importId: input.author.type === 'import' ? input.author.id : null,
      mutationId: input.mutationId,
      ops: JSON.stringify(input.ops),
      kind: input.kind ?? 'edit',
      revertsSeq: input.revertsSeq ?? null,
      restore: input.restore ? JSON.stringify(input.restore) : null,
      rejected: input.rejected && input.rejected.length > 0 ? JSON.stringify(input.rejected) : null,
      clientId: input.clientId ?? null,
    })
    .returning(['createdAt']);

  return {
    datasetId: input.datasetId,
    seq,
    mutationId: input.mutationId,
    author: input.author,
    ops: input.ops,
    createdAt: (row as { createdAt: Date }).createdAt.toISOString(),
  };
}

/**
 * Builds the change-log part of a single-statement write: two CTEs, `bumped` (the dataset's seq + 1,
 * only while it still is `expectedSeq` and `condition` holds on the dataset's row) and `change` (the
 * new entry). Other CTEs of the statement write only when `bumped` returned a row, so the whole
 * write happens, or none of it when another change came first. Used by live edits, which read
 * without a lock and write in one round trip.
 */
export function changeLogCtes(
  input: ChangeInput,
  expectedSeq: number,
  condition: { sql: string; bindings: Knex.Value[] } = { sql: 'true', bindings: [] },
): { sql: string; bindings: Knex.Value[] } {
  const authorUserId = input.author.type === 'user' ? input.author.id : input.author.userId;
  const importId = input.author.type === 'import' ? input.author.id : null;
  return {
    sql: `bumped AS (
        UPDATE datasets SET seq = seq + 1 WHERE id = ? AND seq = ? AND (${condition.sql}) RETURNING seq
      ), change AS (
        INSERT INTO dataset_changes (dataset_id, seq, author_user_id, import_id, mutation_id, ops, kind, reverts_seq, restore, rejected, client_id)
        SELECT ?, bumped.seq, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ? FROM bumped
        RETURNING seq, created_at
      )`,
    bindings: [
      input.datasetId,
      expectedSeq,
      ...condition.bindings,
      input.datasetId,
      authorUserId,
      importId,
      input.mutationId,
      JSON.stringify(input.ops),
      input.kind ?? 'edit',
      input.revertsSeq ?? null,
      input.restore ? JSON.stringify(input.restore) : null,
      input.rejected && input.rejected.length > 0 ? JSON.stringify(input.rejected) : null,
      input.clientId ?? null,
    ],
  };
}
