import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { field, fieldCreate, fieldUpdate } from '../../../common/api/fields.js';
import type { AppContext } from '../../context.js';
import { authorizeDataset, requireSignedIn } from '../../auth/policy.js';
import { getDataset } from '../../domain/datasets.js';
import { createField, getField, listFields, toFieldDto, updateField } from '../../domain/fields.js';
import { defineRoute, type Route } from '../route.js';

const datasetParams = z.object({ datasetId: uuid });
const fieldParams = z.object({ datasetId: uuid, fieldId: uuid });

/** The typed columns of a dataset. */
export function fieldRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/fields',
      operationId: 'listFields',
      summary: "List a dataset's fields in column order",
      tags: ['fields'],
      permission: 'dataset.read-metadata',
      params: datasetParams,
      success: { status: 200, description: 'The fields', schema: z.object({ items: z.array(field) }) },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'dataset.read-metadata', dataset);
        return { items: (await listFields(dataset.id)).map(toFieldDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/fields',
      operationId: 'createField',
      summary: 'Add a field to a dataset',
      tags: ['fields'],
      permission: 'dataset.edit-data',
      params: datasetParams,
      body: fieldCreate,
      success: { status: 201, description: 'The new field', schema: field },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'edit', dataset);
        const user = requireSignedIn(actor);
        const { field: created, change } = await createField(user, dataset, body);
        context.publisher.publishChange(change);
        return toFieldDto(created);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/fields/{fieldId}',
      operationId: 'getField',
      summary: 'Read a field',
      tags: ['fields'],
      permission: 'dataset.read-metadata',
      params: fieldParams,
      success: { status: 200, description: 'The field', schema: field },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'dataset.read-metadata', dataset);
        return toFieldDto(await getField(dataset.id, params.fieldId));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/datasets/{datasetId}/fields/{fieldId}',
      operationId: 'updateField',
      summary: 'Change a field; its type only while it has no values',
      tags: ['fields'],
      permission: 'dataset.edit-data',
      params: fieldParams,
      body: fieldUpdate,
      success: { status: 200, description: 'The updated field', schema: field },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'edit', dataset);
        const user = requireSignedIn(actor);
        const existing = await getField(dataset.id, params.fieldId);
        const { field: updated, change } = await updateField(user, existing, body);
        if (change) context.publisher.publishChange(change);
        return toFieldDto(updated);
      },
    }),
  ];
}
