import type { SignedInActor } from '../auth/actor.js';
import type { AppContext } from '../context.js';
import type { Dataset } from '../db/models/dataset.js';
import { followersWhoCanRead } from '../domain/project-follows.js';
import { getProject } from '../domain/projects.js';
import { notifyUsersSafely } from './notify.js';

/**
 * Tells the followers of a dataset's project who may read it that it was published, in the app
 * and by email. Publishing through PATCH and through POST /publish both end here.
 */
export async function announcePublication(context: AppContext, publisher: SignedInActor, dataset: Dataset): Promise<void> {
  const project = await getProject(dataset.projectId);
  const followers = (await followersWhoCanRead(context.knex, dataset)).filter((id) => id !== publisher.id);
  await notifyUsersSafely(context.notify, followers, {
    kind: 'dataset.published',
    datasetId: dataset.id,
    datasetTitle: dataset.title,
    projectId: project.id,
    projectTitle: project.title,
    byName: publisher.displayName,
  });
}
