import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { contributor, contributorCreate, contributorUpdate } from '../../../common/api/contributors.js';
import type { Action } from '../../../common/api/permissions.js';
import type { Actor } from '../../auth/actor.js';
import { authorize, authorizeDataset, authorizeProject, requireSignedIn } from '../../auth/policy.js';
import type { Contributor } from '../../db/models/contributor.js';
import { recordAudit } from '../../domain/audit.js';
import { claimContributor, createContributor, deleteContributor, getContributor, listContributors, toContributorDto, updateContributor } from '../../domain/contributors.js';
import { getDataset } from '../../domain/datasets.js';
import { getProject } from '../../domain/projects.js';
import { getUser } from '../../domain/users.js';
import { notFoundAs } from '../http-error.js';
import { defineRoute, type Route } from '../route.js';

const projectParams = z.object({ projectId: uuid });
const datasetParams = z.object({ datasetId: uuid });
const contributorParams = z.object({ contributorId: uuid });
const contributorList = z.object({ items: z.array(contributor) });

/**
 * Checks an action on the project or dataset a contributor is credited on. A hidden parent
 * becomes a 404 about the contributor, so the parent's id does not leak.
 */
async function authorizeParent(actor: Actor, row: Contributor, onProject: Action, onDataset: Action): Promise<void> {
  const check = row.datasetId
    ? authorize(actor, onDataset, { type: 'dataset', dataset: await getDataset(row.datasetId) })
    : authorize(actor, onProject, { type: 'project', project: await getProject(row.projectId) });
  await notFoundAs('Contributor', row.id, check);
}

/** People and organizations credited on projects and datasets, and claiming a record by ORCID iD. */
export function contributorRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/projects/{projectId}/contributors',
      operationId: 'listProjectContributors',
      summary: 'List the contributors credited on a project as a whole, in credit order',
      tags: ['contributors'],
      permission: 'project.read',
      params: projectParams,
      success: { status: 200, description: 'The contributors', schema: contributorList },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.read', project);
        return { items: (await listContributors({ projectId: project.id, datasetId: null })).map(toContributorDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/projects/{projectId}/contributors',
      operationId: 'createProjectContributor',
      summary: 'Credit a person or organization on a project',
      tags: ['contributors'],
      permission: 'project.update',
      params: projectParams,
      body: contributorCreate,
      success: { status: 201, description: 'The contributor', schema: contributor },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.update', project);
        return toContributorDto(await createContributor({ projectId: project.id, datasetId: null }, body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/contributors',
      operationId: 'listDatasetContributors',
      summary: 'List the contributors credited on a dataset, in credit order',
      tags: ['contributors'],
      permission: 'dataset.read-metadata',
      params: datasetParams,
      success: { status: 200, description: 'The contributors', schema: contributorList },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'dataset.read-metadata', dataset);
        return { items: (await listContributors({ projectId: dataset.projectId, datasetId: dataset.id })).map(toContributorDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/contributors',
      operationId: 'createDatasetContributor',
      summary: 'Credit a person or organization on a dataset',
      tags: ['contributors'],
      permission: 'dataset.update',
      params: datasetParams,
      body: contributorCreate,
      success: { status: 201, description: 'The contributor', schema: contributor },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'dataset.update', dataset);
        return toContributorDto(await createContributor({ projectId: dataset.projectId, datasetId: dataset.id }, body));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/contributors/{contributorId}',
      operationId: 'updateContributor',
      summary: 'Change a contributor; `position` moves it within its list',
      tags: ['contributors'],
      permission: 'dataset.update',
      params: contributorParams,
      body: contributorUpdate,
      success: { status: 200, description: 'The contributor', schema: contributor },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const row = await getContributor(params.contributorId);
        await authorizeParent(actor, row, 'project.update', 'dataset.update');
        return toContributorDto(await updateContributor(row, body));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/contributors/{contributorId}',
      operationId: 'deleteContributor',
      summary: 'Remove a contributor',
      tags: ['contributors'],
      permission: 'dataset.update',
      params: contributorParams,
      success: { status: 204, description: 'Removed' },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, actor }) {
        const row = await getContributor(params.contributorId);
        await authorizeParent(actor, row, 'project.update', 'dataset.update');
        await deleteContributor(row);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/contributors/{contributorId}/claim',
      operationId: 'claimContributor',
      summary: 'Claim a contributor record that carries your ORCID iD, confirmed by ORCID sign-in',
      tags: ['contributors'],
      permission: 'contributor.claim',
      params: contributorParams,
      success: { status: 200, description: 'The claimed record', schema: contributor },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor, req }) {
        const row = await getContributor(params.contributorId);
        await authorizeParent(actor, row, 'project.read', 'dataset.read-metadata');
        await authorize(actor, 'contributor.claim', { type: 'portal' });
        const user = await getUser(requireSignedIn(actor).id);

        const claimed = await claimContributor(row, user);
        await recordAudit({ action: 'contributor.claim', actor, target: { type: 'contributor', id: row.id }, projectId: row.projectId, details: { orcid: row.orcid }, ip: req.ip ?? null });
        return toContributorDto(claimed);
      },
    }),
  ];
}
