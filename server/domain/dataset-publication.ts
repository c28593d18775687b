import type { DatasetChange } from '../../common/events.js';
import type { SignedInActor } from '../auth/actor.js';
import { Dataset } from '../db/models/dataset.js';
import { HttpError } from '../http/http-error.js';
import { appendChange } from './change-log.js';
import { getDataset } from './datasets.js';

/**
 * Publishes a draft dataset: its state becomes `published`, recorded in the change log with the
 * publisher as author, in one transaction. Publishing a published dataset fails with 409 conflict.
 */
export async function publishDataset(actor: SignedInActor, dataset: Dataset): Promise<{ dataset: Dataset; change: DatasetChange }> {
  const change = await Dataset.transaction(async (trx) => {
    const updated = await Dataset.query(trx).patch({ state: 'published' }).where({ id: dataset.id, state: 'draft' });
    if (updated === 0) {
      throw new HttpError('conflict', `Dataset ${dataset.id} is already published.`);
    }
    return appendChange(trx, {
      datasetId: dataset.id,
      author: { type: 'user', id: actor.id, displayName: actor.displayName },
      mutationId: null,
      ops: [{ type: 'dataset.publish', before: 'draft', after: 'published' }],
    });
  });
  return { dataset: await getDataset(dataset.id), change };
}
