import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { dataset } from '../../../common/api/datasets.js';
import { authorizeDataset, requireSignedIn } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import { publishDataset } from '../../domain/dataset-publication.js';
import { getDataset, toDatasetDto } from '../../domain/datasets.js';
import { followersWhoCanRead } from '../../domain/project-follows.js';
import { getProject } from '../../domain/projects.js';
import { notifyUsersSafely } from '../../notifications/notify.js';
import { defineRoute, type Route } from '../route.js';

const datasetParams = z.object({ datasetId: uuid });

/** Publishing a dataset, which notifies the followers of its project who may read it. */
export function datasetPublicationRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/publish',
      operationId: 'publishDataset',
      summary: 'Publish a draft dataset (project owners and managers)',
      description: "The state changes from draft to published, recorded in the dataset's change log; followers of the project who may read the dataset are notified.",
      tags: ['datasets'],
      params: datasetParams,
      success: { status: 200, description: 'The published dataset', schema: dataset },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor }) {
        const user = requireSignedIn(actor);
        const found = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'update', found);

        const published = await publishDataset(user, found);
        context.publisher.publishChange(published.change);
        const project = await getProject(found.projectId);
        const followers = (await followersWhoCanRead(context.knex, published.dataset)).filter((id) => id !== user.id);
        await notifyUsersSafely(context.notify, followers, {
          kind: 'dataset.published',
          datasetId: found.id,
          datasetTitle: found.title,
          projectId: project.id,
          projectTitle: project.title,
          byName: user.displayName,
        });
        return toDatasetDto(published.dataset);
      },
    }),
  ];
}
