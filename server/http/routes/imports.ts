import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { pageOf, pageQuery, uuid } from '../../../common/api/common.js';
import { importMapping, importMappingUpdate, importRecord, importStart, type ImportMappingUpdate } from '../../../common/api/imports.js';
import type { AppContext } from '../../context.js';
import { authorizeDataset, requireSignedIn } from '../../auth/policy.js';
import { actorOf } from '../../auth/request-actor.js';
import type { Actor } from '../../auth/actor.js';
import { getDataset } from '../../domain/datasets.js';
import { crsProblem } from '../../geo/crs.js';
import { cancelImport, createImport, getImport, listImports, requestLoad, toImportDto, updateMapping } from '../../domain/imports.js';
import type { Import } from '../../db/models/import.js';
import { enqueueAnalysis, enqueueLoad } from '../../jobs/queues.js';
import { moduleLogger } from '../../observability/logger.js';
import { ISSUES_REPORT_SUFFIX, RECORD_SPOOL_SUFFIX } from '../../storage/upload-store.js';
import { HttpError, notFoundAs } from '../http-error.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';
import { ACCEPTED_UPLOAD_EXTENSIONS, storedUpload, uploadMiddleware } from '../upload.js';

const log = moduleLogger('imports');
const datasetParams = z.object({ datasetId: uuid });
const importParams = z.object({ importId: uuid });

/** Uploading files into a dataset, reviewing how they will be read, and following their imports. */
export function importRoutes(context: AppContext): Route[] {
  const dto = (record: Import) => toImportDto(record, context.config.IMPORT_STALL_SECONDS);
  return [
    defineRoute({
      method: 'post',
      path: '/datasets/{datasetId}/imports',
      operationId: 'createImport',
      summary: 'Upload a table into a dataset in one request',
      description:
        'Stores the file, records its SHA-256, and queues its analysis. When the analysis is done the import is ' +
        '`awaiting_review`: read the proposed mapping with `GET /imports/{importId}/mapping`, change it with `PATCH`, ' +
        'and start the load with `POST /imports/{importId}/start`. Browsers upload resumably over the tus protocol at ' +
        '`/api/v1/uploads` (metadata `datasetId` and `filename`) instead. Follow the import with `GET /imports/{importId}` ' +
        'or the `import:progress` Socket.IO event.',
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
            schema: z.object({ file: z.string().meta({ format: 'binary', description: ACCEPTED_UPLOAD_EXTENSIONS }) }),
          },
        },
      },
      success: { status: 202, description: 'The import, queued for analysis', schema: importRecord },
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
        await enqueueAnalysis(context.ingestQueue, record.id, record.revision);
        log.info({ importId: record.id, datasetId: dataset.id, sizeBytes: upload.sizeBytes, format: upload.format }, 'queued import for analysis');
        return dto(record);
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
        return toPage(rows, query.limit, (last) => [last.id], dto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/imports/{importId}',
      operationId: 'getImport',
      summary: 'Read an import: state, phase, progress, mapping, counts and issues',
      tags: ['imports'],
      permission: 'dataset.read-data',
      params: importParams,
      success: { status: 200, description: 'The import', schema: importRecord },
      errors: ['not_found'],
      async handler({ params, actor }) {
        return dto(await readableImport(actor, params.importId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/imports/{importId}/mapping',
      operationId: 'getImportMapping',
      summary: 'Read how the analysis proposes to read the file and map its columns onto the dataset',
      description: 'Every column with its target, type, unit, date order, coordinate notation, example values, counts and notes. 404 until the analysis is done.',
      tags: ['imports'],
      permission: 'dataset.read-data',
      params: importParams,
      success: { status: 200, description: 'The proposed mapping', schema: importMapping },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const record = await readableImport(actor, params.importId);
        if (!record.mapping) throw new HttpError('not_found', `Import ${record.id} has not been analysed yet; it is ${record.state}.`);
        return record.mapping;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/imports/{importId}/mapping',
      operationId: 'updateImportMapping',
      summary: 'Change the proposed mapping; the file is analysed again with the changes',
      description:
        'Column changes are given by column index (see the mapping): target, type, unit, label, date order, Excel serial dates. ' +
        'File settings: the table of a ZIP archive (`entry`, one of the mapping\'s `entries`), header row, sheet, encoding, ' +
        'delimiter, decimal mark, thousands separator, date system, EPSG code of the coordinates, missing-value codes. Changes add ' +
        'to earlier ones, except that choosing another table starts over. The import returns to `queued` and then to `awaiting_review`.',
      tags: ['imports'],
      permission: 'dataset.edit-data',
      params: importParams,
      body: importMappingUpdate,
      success: { status: 202, description: 'The import, queued for analysis again', schema: importRecord },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor, body }) {
        const record = await editableImport(actor, params.importId);
        const crsError = body.crs === undefined || body.crs === null ? null : crsProblem(body.crs);
        if (crsError !== null) {
          throw new HttpError('validation_failed', `${crsError}. Give another EPSG code, or convert the coordinates to WGS 84 (EPSG:4326).`, [{ field: 'body.crs', message: 'unusable EPSG code' }]);
        }
        if (body.entry !== undefined) requireListedEntry(record, body.entry);
        if (body.columns !== undefined) {
          requireKnownColumns(record, body);
          requireOneColumnPerRole(body);
        }
        const updated = await updateMapping(record, body);
        await enqueueAnalysis(context.ingestQueue, updated.id, updated.revision);
        publishState(context, updated);
        log.info({ importId: updated.id, revision: updated.revision }, 'mapping changed; queued for analysis again');
        return dto(updated);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/imports/{importId}/start',
      operationId: 'startImport',
      summary: 'Start loading a reviewed import into the dataset',
      description:
        'With invalid rows (issueCount > 0), `invalidRows: "skip"` loads the valid rows and leaves out the others; ' +
        '`"reject"` (the default) is refused with 409 then, because it would load nothing: cancel the import instead.',
      tags: ['imports'],
      permission: 'dataset.edit-data',
      params: importParams,
      body: importStart,
      success: { status: 202, description: 'The import, queued for loading', schema: importRecord },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor, body }) {
        const record = await editableImport(actor, params.importId);
        const updated = await requestLoad(record, body.invalidRows);
        await enqueueLoad(context.ingestQueue, updated.id);
        publishState(context, updated);
        log.info({ importId: updated.id, invalidRows: body.invalidRows }, 'load requested');
        return dto(updated);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/imports/{importId}/cancel',
      operationId: 'cancelImport',
      summary: 'Cancel an import that has not finished; nothing of it is loaded',
      description: 'A load in progress rolls back at its next progress write. 409 when the import already finished.',
      tags: ['imports'],
      permission: 'dataset.edit-data',
      params: importParams,
      success: { status: 200, description: 'The cancelled import', schema: importRecord },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor }) {
        const record = await editableImport(actor, params.importId);
        const updated = await cancelImport(record);
        await removeQueuedJobs(context, updated);
        await removeRecordSpool(context, updated);
        publishState(context, updated);
        log.info({ importId: updated.id }, 'import cancelled');
        return dto(updated);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/imports/{importId}/issues.csv',
      operationId: 'downloadImportIssues',
      summary: 'Download every invalid value of an import as CSV (line, column, value, reason)',
      description: 'Cells that a spreadsheet would run as a formula start with an apostrophe. 404 when the import has no issues.',
      tags: ['imports'],
      permission: 'dataset.read-data',
      params: importParams,
      success: { status: 200, description: 'The issues as CSV', extraContent: {} },
      errors: ['not_found'],
      async handler({ params, actor, res }) {
        const record = await readableImport(actor, params.importId);
        if (!record.reportKey) throw new HttpError('not_found', `Import ${record.id} has no list of invalid rows.`);
        const file = context.uploads.derivedPath(record.storageKey, ISSUES_REPORT_SUFFIX);
        res.status(200);
        // Named after the uploaded file, so the report sits beside it in a downloads folder.
        res.attachment(`${record.originalName.replace(/\.[^.]*$/, '') || 'import'}-issues.csv`);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        await pipeline(createReadStream(file), res);
      },
    }),
  ];
}

/** Rejects a table choice that is not one of the tables the analysis found in the ZIP archive. */
function requireListedEntry(record: Import, entry: string): void {
  const listed = record.mapping?.entries ?? [];
  if (listed.some((table) => table.path === entry)) return;

  const message =
    listed.length === 0
      ? `The upload is not a ZIP archive of tables, so "entry" cannot be chosen; leave it out.`
      : `"${entry}" is not a table of this ZIP archive; choose ${choiceList(listed.map((table) => table.path))}.`;
  throw new HttpError('validation_failed', message, [{ field: 'body.entry', message: 'not a table of the archive' }]);
}

/**
 * Rejects column changes whose index is not a column of the analysed table, which the analysis
 * would otherwise ignore without a word. A change that also picks another table, sheet, header row,
 * delimiter or encoding may give the table other columns, so its indexes are left to the analysis.
 */
function requireKnownColumns(record: Import, update: ImportMappingUpdate): void {
  const columns = record.mapping?.columns;
  if (!columns || columns.length === 0) return;
  const layoutChange = update.sheet ?? update.headerRow ?? update.delimiter ?? update.encoding;
  if (layoutChange !== undefined || (update.entry !== undefined && update.entry !== record.mapping?.entry)) return;

  const known = new Set(columns.map((column) => column.index));
  const unknown = (update.columns ?? []).flatMap((column, position) => (known.has(column.index) ? [] : [{ column, position }]));
  if (unknown.length === 0) return;

  const last = Math.max(...known);
  throw new HttpError(
    'validation_failed',
    `The table has no column ${unknown[0]!.column.index}; give the index of a column in the mapping's "columns", 0 to ${last}.`,
    unknown.map(({ position }) => ({ field: `body.columns.${position}.index`, message: `no such column; columns are numbered 0 to ${last}` })),
  );
}

/** Targets that one column of a table at most can have: a sample has one name, one location and one time. */
const SINGLE_COLUMN_TARGETS: ReadonlySet<string> = new Set(['name', 'latitude', 'longitude', 'geometry', 'collected_at', 'elevation']);

/**
 * Rejects a change that gives two columns the same single-column target, such as two latitudes,
 * which the analysis could only resolve by dropping one of them without a word.
 */
function requireOneColumnPerRole(update: ImportMappingUpdate): void {
  const positionsByTarget = new Map<string, number[]>();
  (update.columns ?? []).forEach((column, position) => {
    if (column.target === undefined || !SINGLE_COLUMN_TARGETS.has(column.target)) return;
    positionsByTarget.set(column.target, [...(positionsByTarget.get(column.target) ?? []), position]);
  });
  for (const [target, positions] of positionsByTarget) {
    if (positions.length < 2) continue;
    const indexes = positions.map((position) => update.columns![position]!.index);
    throw new HttpError(
      'validation_failed',
      `Columns ${indexes.join(', ')} are each set to "${target}", which only one column can be. Set it on one of them.`,
      positions.map((position) => ({ field: `body.columns.${position}.target`, message: `"${target}" is set on another column too` })),
    );
  }
}

/** Tables named in the message of a wrong choice; an archive of thousands would make it huge. */
const MAX_NAMED_TABLES = 10;

/** Lists the tables to choose from: all of them when there are few, else the first few and where the rest are. */
export function choiceList(paths: readonly string[]): string {
  const named = paths.slice(0, MAX_NAMED_TABLES).map((path) => `"${path}"`).join(', ');
  if (paths.length <= MAX_NAMED_TABLES) return `one of ${named}`;
  return `one of ${named}, or one of the ${paths.length - MAX_NAMED_TABLES} more tables listed in the mapping's "entries"`;
}

async function readableImport(actor: Actor, importId: string): Promise<Import> {
  const record = await getImport(importId);
  await notFoundAs('Import', record.id, authorizeDataset(actor, 'read', await getDataset(record.datasetId)));
  return record;
}

// Whoever may edit the dataset may review, start or cancel its imports, like its rows.
// The check comes before the sign-in demand, so an import of a hidden dataset answers 404 to all.
async function editableImport(actor: Actor, importId: string): Promise<Import> {
  const record = await getImport(importId);
  await notFoundAs('Import', record.id, authorizeDataset(actor, 'edit', await getDataset(record.datasetId)));
  requireSignedIn(actor);
  return record;
}

async function removeQueuedJobs(context: AppContext, record: Import): Promise<void> {
  // A job that waits is removed; one that runs notices the cancel itself. remove() leaves active jobs alone.
  for (const jobId of [`${record.id}.analyse.${record.revision}`, `${record.id}.load`]) {
    try {
      await context.ingestQueue.remove(jobId);
    } catch (error) {
      log.warn({ err: error, importId: record.id, jobId }, 'removing a queued job of a cancelled import failed');
    }
  }
}

/**
 * Removes the rows the analysis spooled for the load, which a cancelled import never reads. A job
 * that is still running removes the spool itself when it notices the cancel.
 */
async function removeRecordSpool(context: AppContext, record: Import): Promise<void> {
  try {
    await context.uploads.removeDerived(record.storageKey, RECORD_SPOOL_SUFFIX);
  } catch (error) {
    log.warn({ err: error, importId: record.id }, 'removing the record spool of a cancelled import failed');
  }
}

function publishState(context: AppContext, record: Import): void {
  context.publisher.publishImportProgress(
    {
      importId: record.id,
      datasetId: record.datasetId,
      state: record.state,
      phase: record.phase,
      rowsDone: record.rowsDone,
      rowsTotal: record.rowsTotal,
      ratePerSecond: null,
      etaSeconds: null,
      counts: record.counts,
      issueCount: record.issueCount,
      error: record.error,
    },
    record.userId,
  );
}
