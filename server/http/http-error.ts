import { ERROR_CODES, type ErrorCode, type FieldIssue } from '../../common/errors.js';

/**
 * An error that becomes a problem+json response (or a Socket.IO error ack) with its code.
 * Thrown by domain and policy code. Anything else that escapes a handler becomes a 500.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldIssue[] | undefined;
  /** Seconds to wait before retrying, sent as Retry-After with 429 and 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, errors?: FieldIssue[], retryAfterSeconds?: number) {
    super(message);
    this.code = code;
    this.status = ERROR_CODES[code];
    this.errors = errors;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError('not_found', `${what} ${id} was not found.`);
}

/**
 * Awaits a permission check on a parent resource and reports a hidden parent as a missing
 * child, so that a 404 about a sample does not reveal the id of its private dataset.
 */
export async function notFoundAs(what: string, id: string, check: Promise<void>): Promise<void> {
  try {
    await check;
  } catch (error) {
    if (error instanceof HttpError && error.code === 'not_found') throw notFound(what, id);
    throw error;
  }
}
