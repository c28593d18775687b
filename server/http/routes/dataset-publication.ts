import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { dataset } from '../../../common/api/datasets.js';
import { authorizeDataset, requireSignedIn } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import { publishDataset } from '../../domain/dataset-publication.js';
import { getDataset, toDatasetDto } from '../../domain/datasets.js';
import { recordAccessChange } from './datasets.js';
import { defineRoute, type Route } from '../route.js';

const datasetParams = z.object({ datasetId: uuid });

/** Publishing a dataset, which notifies the followers of its project who may read it. */
export function datasetPublicationRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/publish',
      operationId: 'publishDataset',
      summary: 'Publish a draft dataset (project owners and managers, curators)',
      description: "The state changes from draft to published, recorded in the dataset's change log; followers of the project who may read the dataset are notified.",
      tags: ['datasets'],
      permission: 'dataset.publish',
      params: datasetParams,
      success: { status: 200, description: 'The published dataset', schema: dataset },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor, req }) {
        const found = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'dataset.publish', found);
        const user = requireSignedIn(actor);

        const published = await publishDataset(user, found);
        context.publisher.publishChange(published.change);
        await recordAccessChange(context, found, published.dataset, actor, req.ip);
        return toDatasetDto(published.dataset);
      },
    }),
  ];
}
