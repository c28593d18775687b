import { z } from 'zod';
import { pageOf, pageQuery, uuid } from '../../../common/api/common.js';
import { ACCESS_PROPERTIES, dataset, datasetCreate, datasetListQuery, datasetUpdate } from '../../../common/api/datasets.js';
import { authorize, authorizeDataset, authorizeProject, requireSignedIn, scopeReadableDatasets } from '../../auth/policy.js';
import type { Actor } from '../../auth/actor.js';
import type { AppContext } from '../../context.js';
import { announcePublication } from '../../notifications/publication.js';
import { Dataset } from '../../db/models/dataset.js';
import { recordAudit } from '../../domain/audit.js';
import { createDataset, datasetsQuery, getDataset, toDatasetDto, updateDataset } from '../../domain/datasets.js';
import { getProject } from '../../domain/projects.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const projectParams = z.object({ projectId: uuid });
const datasetParams = z.object({ datasetId: uuid });
const listQuery = pageQuery.extend(datasetListQuery.shape);

/** Create, read, update and list datasets; listings include each dataset's sample count. */
export function datasetRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/datasets',
      operationId: 'listDatasets',
      summary: 'List the datasets you may read, oldest first, with their sample counts',
      tags: ['datasets'],
      permission: 'projects.list',
      query: listQuery,
      success: { status: 200, description: 'A page of datasets', schema: pageOf(dataset) },
      errors: [],
      async handler({ query, actor }) {
        const rows = scopeReadableDatasets(datasetsQuery(), actor)
          .orderBy([{ column: 'datasets.createdAt' }, { column: 'datasets.id' }])
          .limit(query.limit + 1);
        if (query.projectId) rows.where('datasets.projectId', query.projectId);
        if (query.cursor) {
          const [afterId] = decodeCursor(query.cursor, ['uuid']);
          rows.whereRaw('(datasets.created_at, datasets.id) > (SELECT created_at, id FROM datasets WHERE id = ?::uuid)', [afterId]);
        }
        return toPage(await rows, query.limit, (last) => [last.id], toDatasetDto);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/projects/{projectId}/datasets',
      operationId: 'createDataset',
      summary: 'Create a dataset in a project',
      description: 'A dataset starts as a draft unless `state` is `published`, which needs the publish permission in the project.',
      tags: ['datasets'],
      permission: 'project.datasets.create',
      params: projectParams,
      body: datasetCreate,
      success: { status: 201, description: 'The new dataset', schema: dataset },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const project = await getProject(params.projectId, actor);
        await authorizeProject(actor, 'project.datasets.create', project);
        const user = requireSignedIn(actor);
        // Publishing needs the same roles in the project as publishing an existing dataset.
        if (body.state === 'published') await authorize(actor, 'dataset.publish', { type: 'project', project });
        return toDatasetDto(await createDataset(user, project, body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}',
      operationId: 'getDataset',
      summary: 'Read a dataset',
      tags: ['datasets'],
      permission: 'dataset.read-metadata',
      params: datasetParams,
      success: { status: 200, description: 'The dataset', schema: dataset },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const found = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'dataset.read-metadata', found);
        return toDatasetDto(found);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/datasets/{datasetId}',
      operationId: 'updateDataset',
      summary: "Change a dataset's metadata; only the given properties change",
      description:
        '`visibility`, `state` and `embargoUntil` need the `dataset.publish` permission, every other property `dataset.update`. ' +
        'When access narrows, sockets that may no longer read the data leave the dataset’s room on every node before the answer.',
      tags: ['datasets'],
      permission: 'dataset.update',
      params: datasetParams,
      body: datasetUpdate,
      success: { status: 200, description: 'The updated dataset', schema: dataset },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor, req }) {
        const found = await getDataset(params.datasetId);
        const changesAccess = ACCESS_PROPERTIES.some((property) => body[property] !== undefined);
        const changesMetadata = Object.keys(body).some((property) => !(ACCESS_PROPERTIES as readonly string[]).includes(property));
        if (changesAccess) await authorizeDataset(actor, 'dataset.publish', found);
        if (changesMetadata || !changesAccess) await authorizeDataset(actor, 'dataset.update', found);

        const updated = await updateDataset(found, body);
        if (changesAccess) await recordAccessChange(context, found, updated, actor, req.ip);
        return toDatasetDto(updated);
      },
    }),
  ];
}

/**
 * Audits a change of who may see a dataset, removes sockets that may no longer read it, and
 * announces a publication to the project's followers.
 */
export async function recordAccessChange(context: AppContext, before: Dataset, after: Dataset, actor: Actor, ip: string | undefined): Promise<void> {
  const access = (dataset: Dataset) => ({
    visibility: dataset.visibility,
    state: dataset.state,
    embargoUntil: dataset.embargoUntil === null ? null : new Date(dataset.embargoUntil).toISOString(),
  });
  const previous = access(before);
  const next = access(after);
  if (JSON.stringify(previous) === JSON.stringify(next)) return;

  await recordAudit({
    action: 'dataset.access-change',
    actor,
    target: { type: 'dataset', id: after.id },
    projectId: after.projectId,
    details: { before: previous, after: next },
    ip: ip ?? null,
  });
  await context.socketAccess.revalidateDataset(after.id);
  if (before.state === 'draft' && after.state === 'published' && actor.type === 'user') {
    await announcePublication(context, actor, after);
  }
}
