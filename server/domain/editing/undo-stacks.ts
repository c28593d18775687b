import type { Knex } from 'knex';

/** A user's undo and redo stacks in one dataset: seqs of changes, the latest last. */
export interface UndoStacks {
  undo: number[];
  redo: number[];
}

/** Reads a user's stacks; the caller holds the dataset lock, so they cannot change meanwhile. */
export async function readStacks(db: Knex | Knex.Transaction, datasetId: string, userId: string): Promise<UndoStacks> {
  const row = (await db('undo_stacks').where({ datasetId, userId }).first('undo', 'redo')) as
    | { undo: (string | number)[]; redo: (string | number)[] }
    | undefined;
  return { undo: (row?.undo ?? []).map(Number), redo: (row?.redo ?? []).map(Number) };
}

