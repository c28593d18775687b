import type { Knex } from 'knex';
import type { Dataset } from '../db/models/dataset.js';
import { scopeDatasetReaders } from '../auth/policy.js';

/** Checks whether a user follows a project. */
export async function isFollowing(knex: Knex, projectId: string, userId: string): Promise<boolean> {
  return (await knex('project_follows').where({ projectId, userId }).first('userId')) !== undefined;
}

/** Follows a project; following twice changes nothing. */
export async function follow(knex: Knex, projectId: string, userId: string): Promise<void> {
  await knex('project_follows').insert({ projectId, userId }).onConflict(['projectId', 'userId']).ignore();
}

export async function unfollow(knex: Knex, projectId: string, userId: string): Promise<void> {
  await knex('project_follows').where({ projectId, userId }).delete();
}

/** Returns the followers of a dataset's project who may read the dataset, so no one is notified of data they cannot open. */
export async function followersWhoCanRead(knex: Knex, dataset: Pick<Dataset, 'projectId' | 'visibility'>): Promise<string[]> {
  const query = knex('users')
    .join('project_follows', 'project_follows.userId', 'users.id')
    .where('project_follows.projectId', dataset.projectId)
    .select('users.id');
  const rows: { id: string }[] = await scopeDatasetReaders(knex, query, dataset);
  return rows.map((row) => row.id);
}
