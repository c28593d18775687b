import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { authorizeDataset } from '../../auth/policy.js';
import { listChangesAfter } from '../../domain/change-history.js';
import { getDataset } from '../../domain/datasets.js';
import { defineRoute, type Route } from '../route.js';

const datasetParams = z.object({ datasetId: uuid });
const changesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).meta({ description: 'Return the changes with a seq greater than this.' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const changeSchema = z
  .object({
    datasetId: uuid,
    seq: z.number().int(),
    mutationId: z.string().nullable(),
    author: z.record(z.string(), z.unknown()),
    ops: z.array(z.record(z.string(), z.unknown())),
    createdAt: z.string(),
  })
  .meta({ id: 'DatasetChange' });

/** The change log, from which clients catch up on broadcasts they missed. */
export function changeRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/changes',
      operationId: 'listChanges',
      summary: "List a dataset's changes after a seq, in seq order",
      description: 'A client that missed `dataset:change` events (a dropped connection, a node that died) replays them from here.',
      tags: ['datasets'],
      permission: 'dataset.read-data',
      params: datasetParams,
      query: changesQuery,
      success: {
        status: 200,
        description: 'The changes and the latest seq',
        schema: z.object({ items: z.array(changeSchema), latestSeq: z.number().int() }),
      },
      errors: ['not_found'],
      async handler({ params, query, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'read', dataset);
        return { items: await listChangesAfter(dataset.id, query.after, query.limit), latestSeq: dataset.seq };
      },
    }),
  ];
}
