import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { FileStore } from '@tus/file-store';
import { EVENTS, type Upload } from '@tus/server';
import type { RequestHandler } from 'express';
import { isSignedIn, type Actor, type SignedInActor } from '../auth/actor.js';
import { authorizeDataset } from '../auth/policy.js';
import { actorOf } from '../auth/request-actor.js';
import type { AppContext } from '../context.js';
import { getDataset } from '../domain/datasets.js';
import { cancelImport, createUploadingImport, findUploadImport, isExpiredUpload, recordUploadProgress } from '../domain/imports.js';
import { HttpError } from '../http/http-error.js';
import { ACCEPTED_UPLOAD_EXTENSIONS, formatOfFileName, isAcceptedFileName, isStorableFileName } from '../http/upload.js';
import { assertWritable } from '../maintenance/read-only.js';
import { moduleLogger } from '../observability/logger.js';
import { RedisUploadLocker } from './redis-upload-locker.js';
import { acceptEndCallback } from './response-end-callback.js';
import { fileTooLargeMessage, ProblemTusServer, rejection } from './tus-errors.js';
import { TusUploadDirectory, tusDirectoryOf } from './tus-upload-directory.js';
import { expireUploadIfStale, expiryMessage, type UploadExpiryDependencies } from './upload-expiry.js';
import { handOffFinishedUpload } from './upload-hand-off.js';
import { publishUploadState } from './upload-progress.js';

const log = moduleLogger('resumable-uploads');

/** Path of the tus endpoint; an upload's URL is this path plus its id, which is also its import's id. */
export const RESUMABLE_UPLOAD_PATH = '/api/v1/uploads';
/** Interval of upload progress writes and events while bytes arrive. */
const PROGRESS_INTERVAL_MS = 500;
const MAX_NAME_LENGTH = 255;

/**
 * Resumable uploads over the tus protocol (tus.io), served by @tus/server under
 * /api/v1/uploads behind the same session and permission checks as the REST API. The creation
 * request carries no file bytes, and it is checked for the dataset, the permission, the size
 * limit and the file type before any byte moves. The upload then lives as an import in the
 * `uploading` state. It is stored under its id (never the user's file name) in the shared upload
 * directory, where @tus/file-store keeps the offset, so an upload resumes after a network drop, a
 * page reload or a server restart. A Redis lock keeps two server nodes from writing one upload.
 * When the last byte arrives the import is queued for analysis; the worker records the SHA-256.
 * An upload that receives no bytes for UPLOAD_EXPIRY_HOURS is removed by a worker's sweep, or by
 * the first request that tries to resume it, and the client then gets 410 Gone with the reason. Error responses are
 * problem+json documents, as everywhere else in the API.
 */
export function createResumableUploads(context: AppContext): RequestHandler {
  const actors = new WeakMap<IncomingMessage, Actor>();
  const locker = new RedisUploadLocker(context.redis, context.config.REDIS_PREFIX);
  const expiry: UploadExpiryDependencies = {
    ...context,
    directory: new TusUploadDirectory(tusDirectoryOf(context.config.UPLOAD_DIR)),
    locker,
    expiryHours: context.config.UPLOAD_EXPIRY_HOURS,
  };
  const server = new ProblemTusServer({
    path: RESUMABLE_UPLOAD_PATH,
    datastore: new ProgressFileStore(tusDirectoryOf(context.config.UPLOAD_DIR), (id, offset) => reportProgress(context, { id, offset })),
    relativeLocation: true,
    respectForwardedHeaders: context.config.TRUST_PROXY,
    maxSize: context.config.UPLOAD_MAX_BYTES,
    locker,
    namingFunction: () => randomUUID(),
    postReceiveInterval: PROGRESS_INTERVAL_MS,
    disableTerminationForFinishedUploads: true,
    async onIncomingRequest(req, uploadId) {
      const actor = signedIn(actorOfRequest(req, actors));
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      const record = await findUploadImport(uploadId);
      // Another user's upload gets 404 like a missing one, so ids cannot be probed.
      if (!record || (record.userId !== actor.id && actor.role !== 'admin')) throw rejection(404, 'Upload not found; start a new upload of the file.');
      if (record.state === 'cancelled') throw rejection(404, 'The upload was cancelled; upload the file again to import it.');
      // The tus protocol calls for 410 Gone when the server removed an upload it tracked.
      if (isExpiredUpload(record)) throw rejection(410, record.error ?? 'The upload expired; upload the file again from the start.');
      // An upload that went stale since the last sweep expires now, before it could be resumed.
      if (record.state === 'uploading' && (await expireUploadIfStale(expiry, uploadId))) {
        throw rejection(410, expiryMessage(context.config.UPLOAD_EXPIRY_HOURS));
      }
    },
    async onUploadCreate(req, upload) {
      const actor = signedIn(actorOfRequest(req, actors));
      await rejectDuringMaintenance();
      await checkNewUpload(context, actor, upload);
      return { metadata: { ...upload.metadata, importId: upload.id } };
    },
    async onUploadFinish(_req, upload) {
      const handOff = await handOffFinishedUpload(context, upload.id, upload.size ?? upload.offset);
      if (handOff.kind === 'not_uploading') await rejectIfCancelled(upload.id);
      return {};
    },
  });

  server.on(EVENTS.POST_RECEIVE, (_req, upload) => void reportProgress(context, upload));
  // POST_RECEIVE comes only during requests longer than its interval; the store reports the end of each request.
  server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => void cancelTerminated(id));

  return (req, res, next) => {
    actors.set(req, actorOf(req));
    // The tus server matches the full path; the router stripped /api/v1 from req.url.
    req.url = req.originalUrl;
    acceptEndCallback(res);
    server.handle(req, res).catch(next);
  };
}

/**
 * Rejects the finish of an upload whose import was cancelled with 410 Gone. A finish that the
 * expiry sweep beat to the hand-off to analysis succeeds.
 */
async function rejectIfCancelled(uploadId: string): Promise<void> {
  const record = await findUploadImport(uploadId);
  if (!record || record.state === 'cancelled') throw rejection(410, 'The upload was cancelled; upload the file again to import it.');
}

/** Rejects a new upload while the portal is read-only for maintenance, as every other write is. */
async function rejectDuringMaintenance(): Promise<void> {
  try {
    await assertWritable();
  } catch (error) {
    if (error instanceof HttpError) throw rejection(error.status, error.message);
    throw error;
  }
}

async function checkNewUpload(context: AppContext, actor: SignedInActor, upload: Upload): Promise<void> {
  const metadata = upload.metadata ?? {};
  const datasetId = metadata.datasetId ?? '';
  const name = (metadata.filename ?? '').trim();
  if (!/^[0-9a-f-]{36}$/.test(datasetId)) throw rejection(400, 'Give the dataset id in the upload metadata "datasetId".');
  if (name === '' || name.length > MAX_NAME_LENGTH || /[\\/]/.test(name) || !isStorableFileName(name)) throw rejection(400, `Give a file name of 1 to ${MAX_NAME_LENGTH} characters without "/", "\\" or control characters in the upload metadata "filename".`);
  if (!isAcceptedFileName(name)) {
    throw rejection(415, `"${name}" is not a file the portal can load; upload ${ACCEPTED_UPLOAD_EXTENSIONS}.`);
  }
  if (upload.size === undefined) throw rejection(400, 'Send the file size in Upload-Length; uploads of unknown length are not accepted.');
  if (upload.size > context.config.UPLOAD_MAX_BYTES) throw rejection(413, fileTooLargeMessage(context.config.UPLOAD_MAX_BYTES));

  try {
    const dataset = await getDataset(datasetId);
    await authorizeDataset(actor, 'edit', dataset);
    const record = await createUploadingImport(actor, dataset, {
      uploadId: upload.id,
      originalName: name,
      storageKey: `imports/${upload.id}`,
      sizeBytes: upload.size,
      format: formatOfFileName(name),
    });
    publishUploadState(context.publisher, record);
  } catch (error) {
    if (error instanceof HttpError) throw rejection(error.status, error.message);
    throw error;
  }
}

/** A file store that reports the offset after every request that wrote bytes, however short it was. */
class ProgressFileStore extends FileStore {
  constructor(
    directory: string,
    private readonly onWritten: (id: string, offset: number) => Promise<void>,
  ) {
    super({ directory });
  }

  override async write(...args: Parameters<FileStore['write']>): Promise<number> {
    const offset = await super.write(...args);
    await this.onWritten(args[1], offset);
    return offset;
  }
}

async function reportProgress(context: AppContext, upload: Pick<Upload, 'id' | 'offset'>): Promise<void> {
  try {
    if (!(await recordUploadProgress(upload.id, upload.offset))) return;
    const record = await findUploadImport(upload.id);
    if (record) publishUploadState(context.publisher, record, upload.offset);
  } catch (error) {
    log.warn({ err: error, uploadId: upload.id }, 'recording upload progress failed');
  }
}

async function cancelTerminated(uploadId: string): Promise<void> {
  try {
    const record = await findUploadImport(uploadId);
    if (record && record.state === 'uploading') await cancelImport(record);
  } catch (error) {
    log.warn({ err: error, uploadId }, 'cancelling a terminated upload failed');
  }
}

function actorOfRequest(req: Request, actors: WeakMap<IncomingMessage, Actor>): Actor | undefined {
  const node = (req as Request & { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;
  return node ? actors.get(node) : undefined;
}

function signedIn(actor: Actor | undefined): SignedInActor {
  if (!actor || !isSignedIn(actor)) throw rejection(401, 'Sign in to upload files: POST /api/v1/auth/sign-in.');
  return actor;
}
