import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { cellHistoryEntry, cellHistoryQuery, sampleLookup } from '../../../common/api/history.js';
import { sample } from '../../../common/api/samples.js';
import { authorizeDataset } from '../../auth/policy.js';
import { Sample } from '../../db/models/sample.js';
import { getDataset } from '../../domain/datasets.js';
import { cellHistory } from '../../domain/editing/history-query.js';
import { getSample, toSampleDto } from '../../domain/samples.js';
import { notFound } from '../http-error.js';
import { defineRoute, type Route } from '../route.js';

const datasetParams = z.object({ datasetId: uuid });
const sampleParams = z.object({ datasetId: uuid, sampleId: uuid });

/** Builds the HTTP routes of live co-editing: rows by id for a client catching up, and per-cell history. */
export function liveEditingRoutes(): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/samples/lookup',
      operationId: 'lookupSamples',
      summary: "Read some of a dataset's samples by id",
      description: 'For a client that missed more changes than `dataset:sync` replays: it reads the rows it has loaded again by id. Ids of deleted samples are left out.',
      tags: ['samples'],
      permission: 'dataset.read-data',
      // A read with a body of ids, so it goes on during maintenance.
      readOnly: 'allowed',
      params: datasetParams,
      body: sampleLookup,
      success: { status: 200, description: 'The samples that exist, in row order', schema: z.object({ items: z.array(sample) }) },
      errors: ['not_found'],
      async handler({ params, body, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'read', dataset);
        const rows = await Sample.query().modify('withGeoJson').where('samples.datasetId', dataset.id).whereIn('samples.id', body.ids).orderBy('samples.ord');
        return { items: rows.map(toSampleDto) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/samples/{sampleId}/history',
      operationId: 'getCellHistory',
      summary: "List the changes of a sample's cell, newest first",
      description: 'Each entry names who (a user, or the import that created the row) changed the cell, when, and its old and new value.',
      tags: ['samples'],
      permission: 'dataset.read-data',
      params: sampleParams,
      query: cellHistoryQuery,
      success: { status: 200, description: 'The cell history', schema: z.object({ items: z.array(cellHistoryEntry) }) },
      errors: ['not_found'],
      async handler({ params, query, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'read', dataset);
        const found = await getSample(params.sampleId);
        if (found.datasetId !== dataset.id) throw notFound('Sample', params.sampleId);
        return { items: await cellHistory(found, query.cell, query.limit) };
      },
    }),
  ];
}
