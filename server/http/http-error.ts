import { ERROR_CODES, type ErrorCode, type FieldIssue } from '../../common/errors.js';

/**
 * An error that becomes a problem+json response (or a Socket.IO error ack) with its code.
 * Thrown by domain and policy code; anything else that escapes a handler answers 500.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldIssue[] | undefined;
  /** Response headers that belong to the error, such as Retry-After on a 503. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, errors?: FieldIssue[], headers: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.status = ERROR_CODES[code];
    this.errors = errors;
    this.headers = headers;
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
