import { z } from 'zod';
import { pageOf, pageQuery, uuid } from '../../../common/api/common.js';
import { measurement, measurementCreate, measurementUpdate } from '../../../common/api/measurements.js';
import { authorizeDataset } from '../../auth/policy.js';
import { getDataset } from '../../domain/datasets.js';
import { createMeasurement, getMeasurement, listMeasurements, toMeasurementDto, updateMeasurement } from '../../domain/measurements.js';
import { getSample } from '../../domain/samples.js';
import { notFoundAs } from '../http-error.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const sampleParams = z.object({ sampleId: uuid });
const measurementParams = z.object({ measurementId: uuid });

/** Measurements of a sample: a value with its unit, qualifier, detection limit, uncertainty and method. */
export function measurementRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/samples/{sampleId}/measurements',
      operationId: 'listMeasurements',
      summary: "List a sample's measurements, oldest first",
      tags: ['measurements'],
      permission: 'dataset.read-data',
      params: sampleParams,
      query: pageQuery,
      success: { status: 200, description: 'A page of measurements', schema: pageOf(measurement) },
      errors: ['not_found'],
      async handler({ params, query, actor }) {
        const found = await getSample(params.sampleId);
        await notFoundAs('Sample', found.id, authorizeDataset(actor, 'read', await getDataset(found.datasetId)));
        const afterId = query.cursor ? decodeCursor(query.cursor, ['uuid'])[0] : null;
        const rows = await listMeasurements(found.id, afterId, query.limit);
        return toPage(rows, query.limit, (last) => [last.id], toMeasurementDto);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/samples/{sampleId}/measurements',
      operationId: 'createMeasurement',
      summary: 'Record a measurement of a sample',
      tags: ['measurements'],
      permission: 'dataset.edit-data',
      params: sampleParams,
      body: measurementCreate,
      success: { status: 201, description: 'The new measurement', schema: measurement },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const found = await getSample(params.sampleId);
        await notFoundAs('Sample', found.id, authorizeDataset(actor, 'edit', await getDataset(found.datasetId)));
        return toMeasurementDto(await createMeasurement(found, body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/measurements/{measurementId}',
      operationId: 'getMeasurement',
      summary: 'Read a measurement',
      tags: ['measurements'],
      permission: 'dataset.read-data',
      params: measurementParams,
      success: { status: 200, description: 'The measurement', schema: measurement },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const found = await getMeasurement(params.measurementId);
        const owner = await getSample(found.sampleId);
        await notFoundAs('Measurement', found.id, authorizeDataset(actor, 'read', await getDataset(owner.datasetId)));
        return toMeasurementDto(found);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/measurements/{measurementId}',
      operationId: 'updateMeasurement',
      summary: 'Change a measurement; only the given properties change',
      tags: ['measurements'],
      permission: 'dataset.edit-data',
      params: measurementParams,
      body: measurementUpdate,
      success: { status: 200, description: 'The updated measurement', schema: measurement },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const found = await getMeasurement(params.measurementId);
        const owner = await getSample(found.sampleId);
        await notFoundAs('Measurement', found.id, authorizeDataset(actor, 'edit', await getDataset(owner.datasetId)));
        return toMeasurementDto(await updateMeasurement(found, body));
      },
    }),
  ];
}
