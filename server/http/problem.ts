import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type FieldIssue, type Problem } from '../../common/errors.js';
import { moduleLogger } from '../observability/logger.js';
import { captureError } from '../observability/sentry.js';
import { HttpError } from './http-error.js';
import { redactUrl } from '../observability/redact.js';

const log = moduleLogger('http');
const CHECK_VIOLATION = '23514';

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Invalid request',
  unauthenticated: 'Sign-in required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  internal: 'Internal server error',
  unavailable: 'Service unavailable',
};

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document; `code` is one of a closed set.' });

/** Builds the problem document of an HttpError. */
export function toProblem(error: HttpError, instance?: string): Problem {
  return {
    type: `about:blank#${error.code}`,
    title: TITLES[error.code],
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

/**
 * Codes of the statuses outside ERROR_CODES that protocols served beside the REST API send,
 * such as tus: 410 Gone, 412 Precondition Failed, 423 Locked and tus's 460 checksum mismatch.
 */
const CODES_OF_OTHER_STATUSES: Record<number, ErrorCode> = { 410: 'not_found', 412: 'validation_failed', 423: 'conflict', 460: 'validation_failed' };

/**
 * Builds the problem document of an error response that has only a status and a message. A
 * status outside ERROR_CODES keeps its own number and reason phrase, with the nearest code.
 */
export function problemOfStatus(status: number, detail: string, instance?: string): Problem {
  const code = codeOfStatus(status);
  const problem = toProblem(new HttpError(code, detail), instance);
  if (problem.status === status) return problem;
  return { ...problem, status, title: STATUS_CODES[status] ?? problem.title };
}

function codeOfStatus(status: number): ErrorCode {
  const exact = (Object.entries(ERROR_CODES) as [ErrorCode, number][]).find(([, codeStatus]) => codeStatus === status);
  if (exact) return exact[0];
  return CODES_OF_OTHER_STATUSES[status] ?? (status >= 500 ? 'internal' : 'validation_failed');
}

/** Turns the issues of a failed zod parse into field issues, each prefixed with where the value was. */
export function fieldIssues(error: z.ZodError, location: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** Builds the 400 error of a request with invalid values, naming each invalid field in the message. */
export function validationError(issues: FieldIssue[]): HttpError {
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.field}: ${issue.message}`)
    .join('; ');
  return new HttpError('validation_failed', `Invalid request: ${summary}.`, issues);
}

/** Answers every request that reached no route of the API. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new HttpError('not_found', `No API route matches ${req.method} ${req.path}.`));
};

/** Converts anything thrown by a handler or a body parser into problem+json. */
export const problemHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const httpError = toHttpError(error);
  const url = redactUrl(req.originalUrl);
  if (httpError.status >= 500) {
    log.error({ err: error, method: req.method, url }, 'request failed');
    captureError(error, { method: req.method, url });
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (httpError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(httpError.retryAfterSeconds));
  res.status(httpError.status).type('application/problem+json').json(toProblem(httpError, url));
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  expose?: boolean;
  message?: string;
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;

  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.too.large') {
    return new HttpError('payload_too_large', `The request body exceeds the limit of ${parserError.limit} bytes.`);
  }
  if (parserError?.type === 'entity.parse.failed') {
    return new HttpError('validation_failed', 'The request body is not valid JSON.', [
      { field: 'body', message: 'invalid JSON' },
    ]);
  }
  const native = (error as { nativeError?: { code?: string; constraint?: string } })?.nativeError;
  if (native?.code === CHECK_VIOLATION) {
    return new HttpError('validation_failed', `The values break the rule "${native.constraint}"; check them and send them again.`);
  }
  if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
    return new HttpError('unsupported_media_type', 'The request body uses an unsupported encoding; send UTF-8 without Content-Encoding.');
  }
  if (error instanceof URIError) {
    return new HttpError('validation_failed', 'The URL contains invalid percent-encoding; encode it as UTF-8.');
  }
  // Other client errors from body parsing (a gzip body that is not gzip, a truncated body) carry
  // an HTTP status below 500 and a message meant to be shown.
  if (parserError?.expose === true && typeof parserError.status === 'number' && parserError.status < 500) {
    return new HttpError('validation_failed', `The request body could not be read: ${parserError.message ?? 'invalid body'}.`);
  }
  return new HttpError('internal', 'An unexpected error occurred; it has been logged.');
}
