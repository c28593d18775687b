import { z } from 'zod';
import { pageOf, pageQuery, uuid } from '../../../common/api/common.js';
import { dataset, datasetCreate, datasetListQuery, datasetUpdate } from '../../../common/api/datasets.js';
import { authorizeDataset, authorizeProject, requireSignedIn, scopeReadableDatasets } from '../../auth/policy.js';
import { createDataset, datasetsQuery, getDataset, toDatasetDto, updateDataset } from '../../domain/datasets.js';
import { getProject } from '../../domain/projects.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const projectParams = z.object({ projectId: uuid });
const datasetParams = z.object({ datasetId: uuid });
const listQuery = pageQuery.extend(datasetListQuery.shape);

/** Create, read, update and list datasets; listings include each dataset's sample count. */
export function datasetRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/datasets',
      operationId: 'listDatasets',
      summary: 'List the datasets you may read, oldest first, with their sample counts',
      tags: ['datasets'],
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
      tags: ['datasets'],
      params: projectParams,
      body: datasetCreate,
      success: { status: 201, description: 'The new dataset', schema: dataset },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const user = requireSignedIn(actor);
        const project = await getProject(params.projectId, actor);
        await authorizeProject(actor, 'edit', project);
        return toDatasetDto(await createDataset(user, project, body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}',
      operationId: 'getDataset',
      summary: 'Read a dataset',
      tags: ['datasets'],
      params: datasetParams,
      success: { status: 200, description: 'The dataset', schema: dataset },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const found = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'read', found);
        return toDatasetDto(found);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/datasets/{datasetId}',
      operationId: 'updateDataset',
      summary: "Change a dataset's metadata; only the given properties change",
      tags: ['datasets'],
      params: datasetParams,
      body: datasetUpdate,
      success: { status: 200, description: 'The updated dataset', schema: dataset },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const found = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'update', found);
        return toDatasetDto(await updateDataset(found, body));
      },
    }),
  ];
}
