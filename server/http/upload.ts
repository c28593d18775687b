import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler } from 'express';
import multer, { type StorageEngine } from 'multer';
import type { ImportFormat } from '../../common/api/imports.js';
import type { StoredUpload } from '../domain/imports.js';
import type { UploadStore } from '../storage/upload-store.js';
import { HttpError } from './http-error.js';

const FORMAT_BY_EXTENSION: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.tab': 'csv',
  '.txt': 'csv',
  '.geojson': 'geojson',
  '.json': 'geojson',
  '.xlsx': 'xlsx',
  '.ods': 'ods',
};

/** The file types uploads accept, for messages. A ZIP archive contains tables of the other types, and the uploader chooses one. */
export const ACCEPTED_UPLOAD_EXTENSIONS = 'CSV or TSV (.csv, .tsv, .txt), Excel (.xlsx), OpenDocument (.ods), GeoJSON (.geojson, .json), or a .zip archive of these';
const ACCEPTED = [...Object.keys(FORMAT_BY_EXTENSION), '.zip'].join(', ');

/**
 * Returns the import format of a file name, or null when the extension is not one the portal
 * loads or when it is a ZIP archive, whose format the analysis finds inside.
 */
export function formatOfFileName(name: string): ImportFormat | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  return FORMAT_BY_EXTENSION[name.slice(dot).toLowerCase()] ?? null;
}

/** Tells whether a file name has an extension uploads accept. */
export function isAcceptedFileName(name: string): boolean {
  return formatOfFileName(name) !== null || name.toLowerCase().endsWith('.zip');
}

type UploadedFile = Express.Multer.File & { upload?: StoredUpload; storageKey?: string };

/**
 * Builds a multer storage engine that streams the file into the upload store under a key made here,
 * computing its SHA-256 and size on the way, so the bytes are read once and never held in memory.
 */
function storeEngine(store: UploadStore): StorageEngine {
  return {
    _handleFile(_req, file, callback) {
      const storageKey = store.newKey();
      // multer removes a file that is still being written when the request fails only if it
      // already has a path, so the key is known to it before the first byte is written.
      Object.assign(file, { path: store.pathOf(storageKey), storageKey });
      const hash = createHash('sha256');
      let size = 0;
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          hash.update(chunk);
          size += chunk.length;
          next(null, chunk);
        },
      });
      store
        .openWrite(storageKey)
        .then((target) => pipeline(file.stream, measure, target))
        .then(() => {
          const upload: StoredUpload = {
            originalName: file.originalname,
            storageKey,
            sizeBytes: size,
            checksumSha256: hash.digest('hex'),
            format: formatOfFileName(file.originalname),
          };
          callback(null, { size, upload } as Partial<UploadedFile>);
        })
        .catch(async (error: unknown) => {
          // The partial file goes before the error response is sent, so no orphan remains.
          await store.remove(storageKey).catch(() => undefined);
          callback(error as Error);
        });
    },
    _removeFile(_req, file, callback) {
      const uploaded = file as UploadedFile;
      const storageKey = uploaded.upload?.storageKey ?? uploaded.storageKey;
      if (!storageKey) return callback(null);
      store.remove(storageKey).then(() => callback(null), callback);
    },
  };
}

/**
 * Parses a multipart upload with one file in the field `file`. The declared size and the file
 * name are checked before any byte is stored; the stored name never comes from the user.
 */
export function uploadMiddleware(store: UploadStore, maxBytes: number): RequestHandler {
  const parser = multer({
    storage: storeEngine(store),
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
    // Browsers send file names in UTF-8; busboy's default Latin-1 would garble "Köln".
    defParamCharset: 'utf8',
    fileFilter(_req, file, accept) {
      if (!isStorableFileName(file.originalname)) {
        accept(
          new HttpError('validation_failed', 'The file name is empty, too long or contains control characters; rename the file and upload it again.', [
            { field: 'body.file', message: 'invalid file name' },
          ]),
        );
        return;
      }
      if (!isAcceptedFileName(file.originalname)) {
        accept(new HttpError('unsupported_media_type', `"${file.originalname}" is not a file the portal can load; upload ${ACCEPTED_UPLOAD_EXTENSIONS}.`));
        return;
      }
      accept(null, true);
    },
  }).single('file');

  return (req, res, next) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes + 64 * 1024) {
      next(tooLarge(maxBytes));
      return;
    }
    if (!req.is('multipart/form-data')) {
      next(new HttpError('unsupported_media_type', `Send the file as multipart/form-data in the field "file" (${ACCEPTED}).`));
      return;
    }
    parser(req, res, (error: unknown) => next(error === undefined ? undefined : translateMulterError(error, maxBytes)));
  };
}

/** Returns the stored upload of the request, or throws a 400 naming the missing field. */
export function storedUpload(req: Request): StoredUpload {
  const upload = (req.file as UploadedFile | undefined)?.upload;
  if (!upload) {
    throw new HttpError('validation_failed', 'No file was uploaded; send it in the multipart field "file".', [
      { field: 'body.file', message: 'missing' },
    ]);
  }
  return upload;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError('payload_too_large', `The file is larger than the upload limit of ${maxBytes} bytes (UPLOAD_MAX_BYTES).`);
}

/** Tells whether a file name can be stored and shown: 1 to 255 characters without control characters. */
export function isStorableFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[\u0000-\u001f\u007f]/.test(name);
}

function translateMulterError(error: unknown, maxBytes: number): unknown {
  if (error instanceof HttpError) return error;
  if (!(error instanceof multer.MulterError)) {
    // busboy's own errors: a missing boundary, a truncated body.
    const message = error instanceof Error ? error.message : 'invalid body';
    return new HttpError('validation_failed', `The multipart body is invalid (${message}); send one file in the field "file".`);
  }
  if (error.code === 'LIMIT_FILE_SIZE') return tooLarge(maxBytes);
  if (error.code === 'LIMIT_FILE_COUNT') {
    return new HttpError('validation_failed', 'Send exactly one file per upload.', [{ field: 'body.file', message: 'more than one file' }]);
  }
  if (error.code === 'LIMIT_UNEXPECTED_FILE') {
    return new HttpError('validation_failed', `Send exactly one file, in the multipart field "file" (got "${error.field}").`, [
      { field: `body.${error.field ?? 'file'}`, message: 'unexpected file field' },
    ]);
  }
  return new HttpError('validation_failed', `The multipart body is invalid: ${error.message}.`);
}
