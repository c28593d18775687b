import type { Knex } from 'knex';
import type { ChangeAuthor, DatasetChange, DatasetOp } from '../../common/events.js';

export interface ChangeInput {
  datasetId: string;
  author: ChangeAuthor;
  mutationId: string | null;
  ops: DatasetOp[];
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
