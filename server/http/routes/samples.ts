import type { Response } from 'express';
import { z } from 'zod';
import { pageOf, uuid } from '../../../common/api/common.js';
import { sample, sampleCreate, sampleListQuery, sampleUpdate, sampleWindow, sampleWindowQuery } from '../../../common/api/samples.js';
import type { AppContext } from '../../context.js';
import { notFoundAs } from '../http-error.js';
import { authorizeDataset, requireSignedIn } from '../../auth/policy.js';
import type { Sample } from '../../db/models/sample.js';
import { getDataset } from '../../domain/datasets.js';
import { readSampleWindow } from '../../domain/sample-window.js';
import { createSample, getSample, listSamples, toSampleDto, toSampleFeature, updateSample } from '../../domain/samples.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const GEOJSON = 'application/geo+json';
const datasetParams = z.object({ datasetId: uuid });
const sampleParams = z.object({ sampleId: uuid });

const featureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({ type: z.literal('Feature'), id: uuid, geometry: z.unknown(), properties: z.record(z.string(), z.unknown()) }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'SampleFeatureCollection', description: 'Samples as GeoJSON; samples without a location have a null geometry.' });

/** The rows of a dataset: list (JSON or GeoJSON, with a bounding box), read by position, create, read and update. */
export function sampleRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/samples',
      operationId: 'listSamples',
      summary: "List a dataset's samples in row order",
      description:
        'Send `Accept: application/geo+json` for a GeoJSON FeatureCollection; the next page is then also in the `Link` header. ' +
        '`bbox` keeps only samples located inside the box, so it leaves out samples without a location. ' +
        'An insert between two rows can move the rows after it to higher ords, so pages read across such an insert may return a moved row twice.',
      tags: ['samples'],
      permission: 'dataset.read-data',
      params: datasetParams,
      query: sampleListQuery,
      success: { status: 200, description: 'A page of samples', schema: pageOf(sample), extraContent: { [GEOJSON]: featureCollection } },
      errors: ['not_found'],
      async handler({ params, query, actor, req, res }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'read', dataset);

        const afterOrd = query.cursor ? decodeCursor(query.cursor, ['number'])[0] : null;
        const rows = await listSamples(dataset.id, { limit: query.limit, afterOrd, bbox: query.bbox });
        if (req.accepts(['application/json', GEOJSON]) === GEOJSON) {
          sendFeatureCollection(res, rows, query.limit, req.originalUrl);
          return undefined;
        }
        return toPage(rows, query.limit, (last) => [last.ord], toSampleDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/samples/window',
      operationId: 'getSampleWindow',
      summary: "Read a dataset's samples from a position in row order",
      description:
        'For a grid that jumps to any row: the rows from `position` on (or around the sample `around`), with the row count and the `seq` of the same snapshot. ' +
        'Apply the changes after `seq` (`GET /datasets/{datasetId}/changes?after=`) to keep the positions exact.',
      tags: ['samples'],
      permission: 'dataset.read-data',
      params: datasetParams,
      query: sampleWindowQuery,
      success: { status: 200, description: 'The rows from the position on', schema: sampleWindow },
      errors: ['not_found'],
      async handler({ params, query, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'read', dataset);
        return readSampleWindow(dataset.id, query.position, query.limit, query.around);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/samples',
      operationId: 'createSample',
      summary: 'Add a sample to a dataset',
      tags: ['samples'],
      permission: 'dataset.edit-data',
      params: datasetParams,
      body: sampleCreate,
      success: { status: 201, description: 'The new sample', schema: sample },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'edit', dataset);
        const user = requireSignedIn(actor);
        const { sample: created, change } = await createSample(user, dataset, body);
        context.publisher.publishChange(change);
        return toSampleDto(created);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/samples/{sampleId}',
      operationId: 'getSample',
      summary: 'Read a sample',
      tags: ['samples'],
      permission: 'dataset.read-data',
      params: sampleParams,
      success: { status: 200, description: 'The sample', schema: sample },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const found = await getSample(params.sampleId);
        await notFoundAs('Sample', found.id, authorizeDataset(actor, 'read', await getDataset(found.datasetId)));
        return toSampleDto(found);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/samples/{sampleId}',
      operationId: 'updateSample',
      summary: 'Change a sample; `values` merges key by key',
      description:
        'A new value of a geometry field moves the sample onto the new shape when its location lay on the old shape or was missing, ' +
        'unless the request sets `location` itself. A location placed elsewhere stays.',
      tags: ['samples'],
      permission: 'dataset.edit-data',
      params: sampleParams,
      body: sampleUpdate,
      success: { status: 200, description: 'The updated sample', schema: sample },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor }) {
        const found = await getSample(params.sampleId);
        await notFoundAs('Sample', found.id, authorizeDataset(actor, 'edit', await getDataset(found.datasetId)));
        const user = requireSignedIn(actor);
        const { sample: updated, change } = await updateSample(user, found, body);
        if (change) context.publisher.publishChange(change);
        return toSampleDto(updated);
      },
    }),
  ];
}

function sendFeatureCollection(res: Response, rows: Sample[], limit: number, url: string): void {
  const page = toPage(rows, limit, (last) => [last.ord], toSampleFeature);
  if (page.nextCursor) {
    const next = new URL(url, 'http://placeholder');
    next.searchParams.set('cursor', page.nextCursor);
    res.links({ next: `${next.pathname}${next.search}` });
  }
  res
    .status(200)
    .type(GEOJSON)
    .send(JSON.stringify({ type: 'FeatureCollection', features: page.items, nextCursor: page.nextCursor }));
}
