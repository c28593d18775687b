import { z } from 'zod';
import { pageOf, pageQuery, uuid } from '../../../common/api/common.js';
import { importRecord } from '../../../common/api/imports.js';
import type { AppContext } from '../../context.js';
import { authorizeDataset, requireSignedIn } from '../../auth/policy.js';
import { actorOf } from '../../auth/request-actor.js';
import { getDataset } from '../../domain/datasets.js';
import { createImport, getImport, listImports, toImportDto } from '../../domain/imports.js';
import { enqueueIngest } from '../../jobs/queues.js';
import { moduleLogger } from '../../observability/logger.js';
import { notFoundAs } from '../http-error.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';
import { storedUpload, uploadMiddleware } from '../upload.js';

const log = moduleLogger('imports');
const datasetParams = z.object({ datasetId: uuid });
const importParams = z.object({ importId: uuid });

/** Uploading files into a dataset and following their imports. */
export function importRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/imports',
      operationId: 'createImport',
      summary: 'Upload a CSV or GeoJSON file into a dataset',
      description:
        'Stores the file, records its SHA-256, and queues a job that loads it. Follow the job with ' +
        '`GET /imports/{importId}` or the `import:progress` Socket.IO event.',
      tags: ['imports'],
      permission: 'dataset.edit-data',
      params: datasetParams,
      before: [
        async (req, _res, next) => {
          // Check permission before the body is read, so refused uploads cost no disk.
          try {
            const actor = actorOf(req);
            await authorizeDataset(actor, 'edit', await getDataset(String(req.params.datasetId)));
            requireSignedIn(actor);
            next();
          } catch (error) {
            next(error);
          }
        },
        uploadMiddleware(context.uploads, context.config.UPLOAD_MAX_BYTES),
      ],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({ file: z.string().meta({ format: 'binary', description: '.csv, .tsv, .txt, .geojson or .json' }) }),
          },
        },
      },
      success: { status: 202, description: 'The queued import', schema: importRecord },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'payload_too_large', 'unsupported_media_type'],
      async handler({ params, actor, req }) {
        const user = requireSignedIn(actor);
        const dataset = await getDataset(params.datasetId);
        const upload = storedUpload(req);
        let record;
        try {
          record = await createImport(user, dataset, upload);
        } catch (error) {
          // No import row refers to the file, so nothing would ever read or remove it.
          await context.uploads.remove(upload.storageKey);
          throw error;
        }
        await enqueueIngest(context.ingestQueue, record.id);
        log.info({ importId: record.id, datasetId: dataset.id, sizeBytes: upload.sizeBytes, format: upload.format }, 'queued import');
        return toImportDto(record);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/imports',
      operationId: 'listImports',
      summary: "List a dataset's imports, newest first",
      tags: ['imports'],
      permission: 'dataset.read-data',
      params: datasetParams,
      query: pageQuery,
      success: { status: 200, description: 'A page of imports', schema: pageOf(importRecord) },
      errors: ['not_found'],
      async handler({ params, query, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'read', dataset);
        const afterId = query.cursor ? decodeCursor(query.cursor, ['uuid'])[0] : null;
        const rows = await listImports(dataset.id, afterId, query.limit);
        return toPage(rows, query.limit, (last) => [last.id], toImportDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/imports/{importId}',
      operationId: 'getImport',
      summary: 'Read an import: state, phase, progress, counts and issues',
      tags: ['imports'],
      permission: 'dataset.read-data',
      params: importParams,
      success: { status: 200, description: 'The import', schema: importRecord },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const record = await getImport(params.importId);
        await notFoundAs('Import', record.id, authorizeDataset(actor, 'read', await getDataset(record.datasetId)));
        return toImportDto(record);
      },
    }),
  ];
}
