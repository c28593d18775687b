import { ERROR_CODES, type ErrorCode, type FieldIssue, type Problem } from '../../../common/errors.js';

/** The API's error codes, plus the two failures that happen before the API can respond. */
export type ClientErrorCode = ErrorCode | 'network' | 'unexpected_response';

/**
 * A failed API request, with the message to show to the user and the invalid fields, so a
 * form can show each message beside its input.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: ClientErrorCode;
  readonly fieldErrors: FieldIssue[];

  constructor(code: ClientErrorCode, status: number, message: string, fieldErrors: FieldIssue[] = []) {
    super(message);
    this.code = code;
    this.status = status;
    this.fieldErrors = fieldErrors;
  }

  /**
   * Returns the message about one input, matched by the last part of the field path, because
   * the API names fields by where they were (`body.title`, `query.limit`).
   */
  fieldMessage(name: string): string | undefined {
    return this.fieldErrors.find((issue) => issue.field === name || issue.field.endsWith(`.${name}`))?.message;
  }
}

const CODES = new Set<string>(Object.keys(ERROR_CODES));

/** Tells whether a parsed response body is a problem document of this API. */
export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Problem>;
  return typeof candidate.status === 'number' && typeof candidate.detail === 'string' && typeof candidate.code === 'string';
}

/** Converts a problem document into an ApiError whose message is the problem's `detail`. */
export function problemToError(problem: Problem): ApiError {
  const code: ClientErrorCode = CODES.has(problem.code) ? problem.code : codeOfStatus(problem.status);
  const fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
  return new ApiError(code, problem.status, problem.detail || problem.title, fieldErrors);
}

/**
 * Builds the error of a failed response from its status, content type and body text. Bodies
 * that are not problem documents (a proxy's HTML error page, an empty body) get a message
 * from the status alone.
 */
export function errorFromBody(status: number, contentType: string | null, text: string): ApiError {
  if (contentType && /json/i.test(contentType)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isProblem(parsed)) return problemToError(parsed);
    } catch {
      // Not JSON after all: fall through to the message for the status.
    }
  }
  return new ApiError(codeOfStatus(status), status, messageOfStatus(status));
}

/** Builds the error of a failed fetch Response. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  return errorFromBody(response.status, response.headers.get('content-type'), text);
}

/** The error of a request that never reached the server or got no response. */
export function networkError(): ApiError {
  return new ApiError('network', 0, 'The server could not be reached. Check your connection and try again.');
}

/** The error of a success response whose body is not what the API sends. */
export function unexpectedResponse(status: number): ApiError {
  return new ApiError('unexpected_response', status, `The server sent a response the portal cannot read (HTTP ${status}). Reload the page and try again.`);
}

/**
 * Tells whether sending the same request again may succeed: after a network failure, a server
 * error, a timeout (408), a rate limit (429) or an error that did not come from the API. Other
 * 4xx responses, such as 404 Not Found, repeat until something else changes.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  if (error.status === 408 || error.status === 429) return true;
  return error.status < 400 || error.status >= 500;
}

/** Returns a user-facing message for anything caught from an API call or from other code. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Reload the page and try again.';
}

function codeOfStatus(status: number): ClientErrorCode {
  const match = (Object.entries(ERROR_CODES) as [ErrorCode, number][]).find(([, code]) => code === status);
  if (match) return match[0];
  return status >= 500 ? 'internal' : 'unexpected_response';
}

function messageOfStatus(status: number): string {
  switch (status) {
    case 401:
      return 'You need to sign in to do this.';
    case 403:
      return 'Your account is not allowed to do this. Ask a project owner for access.';
    case 404:
      return 'This was not found. It may have been removed, or it may be private: sign in to see it.';
    case 413:
      return 'The request is too large for the server.';
    case 429:
      return 'Too many requests. Wait a moment and try again.';
    default:
      break;
  }
  if (status >= 500) return `The server failed to answer (HTTP ${status}). Try again in a moment.`;
  return `The request failed (HTTP ${status}). Reload the page and try again.`;
}
