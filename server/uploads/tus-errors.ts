import { ERRORS, Server } from '@tus/server';
import { problemOfStatus } from '../http/problem.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('tus-errors');

/** The request as @tus/server hands it to its hooks. */
type TusRequest = Parameters<NonNullable<ConstructorParameters<typeof Server>[0]['onResponseError']>>[0];

/** A tus error, as the hooks throw it: the status and the message of the response. */
export interface TusRejection {
  status_code: number;
  body: string;
}

/** Builds the error a tus hook throws for a response with `status` and `message`. */
export function rejection(status: number, message: string): TusRejection {
  return { status_code: status, body: message };
}

const INTERNAL_MESSAGE = 'The upload request failed on the server, and the error was logged. Try again in a moment.';

/**
 * Replaces the plain-text bodies that @tus/server 2.4 sends itself with messages that state what
 * failed and what to do. The keys are its bodies without the trailing line break. Three of them
 * are written inline in its request handler rather than in ERRORS.
 */
function tusMessages(maxBytes: number): Map<string, string> {
  const entries: [{ body: string } | string, string][] = [
    [ERRORS.MISSING_OFFSET, 'The request has no Upload-Offset header; send the offset that a HEAD request for the upload returns.'],
    [ERRORS.ABORTED, 'Another request took over this upload; send a HEAD request for its offset and continue from there.'],
    [ERRORS.INVALID_TERMINATION, 'The upload is complete and cannot be deleted; cancel its import instead (POST /api/v1/imports/{id}/cancel).'],
    [ERRORS.ERR_LOCK_TIMEOUT, 'Another request is still writing this upload; try again in a moment.'],
    [ERRORS.INVALID_CONTENT_TYPE, 'Send the bytes of an upload with "Content-Type: application/offset+octet-stream".'],
    [ERRORS.FILE_NOT_FOUND, 'Upload not found; start a new upload of the file.'],
    [ERRORS.INVALID_OFFSET, 'Upload-Offset does not match the bytes the server has stored; send a HEAD request for the offset and continue from there.'],
    [ERRORS.FILE_NO_LONGER_EXISTS, 'The upload no longer exists on the server; upload the file again from the start.'],
    [ERRORS.ERR_SIZE_EXCEEDED, 'The request sends more bytes than the upload declared in Upload-Length; send only the bytes that are missing.'],
    [ERRORS.ERR_MAX_SIZE_EXCEEDED, fileTooLargeMessage(maxBytes)],
    [ERRORS.INVALID_LENGTH, 'Send the file size in Upload-Length; uploads of unknown length are not accepted.'],
    [ERRORS.INVALID_METADATA, 'Upload-Metadata is invalid; send comma-separated pairs of a key and a base64 value, with the keys "datasetId" and "filename".'],
    [ERRORS.UNKNOWN_ERROR, INTERNAL_MESSAGE],
    [ERRORS.FILE_WRITE_ERROR, 'The server could not store the bytes; try again in a moment.'],
    [ERRORS.UNSUPPORTED_CONCATENATION_EXTENSION, 'Parallel uploads (the tus concatenation extension) are not supported; send the file as one upload.'],
    [ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION, 'Uploads of unknown length are not supported; send the file size in Upload-Length.'],
    ['Tus-Resumable Required', 'Send the header "Tus-Resumable: 1.0.0" with every upload request.'],
    ['Not found', 'The upload endpoint accepts only POST, HEAD, PATCH, DELETE and OPTIONS requests.'],
  ];
  return new Map(entries.map(([tusError, message]) => [(typeof tusError === 'string' ? tusError : tusError.body).trim(), message]));
}

/** Returns the message of a file over the upload limit, with what to do about it. */
export function fileTooLargeMessage(maxBytes: number): string {
  return `The file is larger than the upload limit of ${maxBytes} bytes; split the table into smaller files and upload each of them.`;
}

/**
 * A tus server whose error responses are problem+json documents, the shape of every other error
 * of the API, with the same status codes and tus headers (Tus-Resumable and the others) as before.
 * Errors that are neither tus errors nor rejections of the hooks are logged and get a 500 response.
 */
export class ProblemTusServer extends Server {
  private readonly messages: Map<string, string>;

  constructor(options: ConstructorParameters<typeof Server>[0] & { maxSize: number }) {
    super({ ...options, onResponseError: (req, error) => replaceUnexpectedError(req, error) });
    this.messages = tusMessages(options.maxSize);
  }

  override async write(...[context, headers, status, body = '']: Parameters<Server['write']>): ReturnType<Server['write']> {
    if (status < 400) return super.write(context, headers, status, body);

    const detail = this.messageOf(status, body);
    headers.set('Content-Type', 'application/problem+json');
    return super.write(context, headers, status, JSON.stringify(problemOfStatus(status, detail)));
  }

  private messageOf(status: number, body: string): string {
    const text = body.trim();
    const known = this.messages.get(text);
    if (known) return known;
    // The request handler names the invalid headers itself: "Invalid upload-length upload-offset".
    if (status === 400 && text.startsWith('Invalid ')) return this.invalidHeadersMessage(text.slice('Invalid '.length).split(' '));
    return text === '' ? INTERNAL_MESSAGE : text;
  }

  private invalidHeadersMessage(names: string[]): string {
    if (names.includes('upload-metadata')) return this.messages.get(ERRORS.INVALID_METADATA.body.trim())!;
    return `These headers are invalid for the tus 1.0.0 protocol: ${names.join(', ')}; correct them and send the request again.`;
  }
}

/** Keeps tus errors and hook rejections, and turns anything else into a logged 500 that does not show its message. */
function replaceUnexpectedError(req: TusRequest, error: Error | TusRejection): TusRejection | undefined {
  if ('status_code' in error && typeof error.status_code === 'number') return undefined;

  log.error({ err: error, method: req.method, path: new URL(req.url).pathname }, 'resumable upload request failed');
  return rejection(500, INTERNAL_MESSAGE);
}
