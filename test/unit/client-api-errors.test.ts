import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Problem } from '../../common/errors.js';
import { ApiError, errorFromBody, errorMessage, isProblem, isRetryable, networkError, problemToError, unexpectedResponse } from '../../client/src/api/api-error.js';
import { apiRequest, apiUrl } from '../../client/src/api/http.js';

const validationProblem: Problem = {
  type: 'about:blank#validation_failed',
  title: 'Invalid request',
  status: 400,
  code: 'validation_failed',
  detail: 'Invalid request: body.title: Too small: expected string to have >=1 characters.',
  instance: '/api/v1/projects',
  errors: [
    { field: 'body.title', message: 'Too small: expected string to have >=1 characters' },
    { field: 'body.funding.0.funderName', message: 'Required' },
  ],
};

describe('problemToError', () => {
  it('carries detail, code, status and field errors', () => {
    const error = problemToError(validationProblem);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(validationProblem.detail);
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toHaveLength(2);
  });

  it('finds field messages by the last part of the path', () => {
    const error = problemToError(validationProblem);
    expect(error.fieldMessage('title')).toBe('Too small: expected string to have >=1 characters');
    expect(error.fieldMessage('funderName')).toBe('Required');
    expect(error.fieldMessage('body.title')).toBe('Too small: expected string to have >=1 characters');
    expect(error.fieldMessage('abstract')).toBeUndefined();
  });

  it('maps an unknown code to the code of its status', () => {
    const error = problemToError({ ...validationProblem, code: 'brand_new' as Problem['code'], status: 409, errors: undefined });
    expect(error.code).toBe('conflict');
    expect(error.fieldErrors).toEqual([]);
  });
});

describe('isProblem', () => {
  it('accepts problem documents and rejects other JSON', () => {
    expect(isProblem(validationProblem)).toBe(true);
    expect(isProblem({ message: 'nope' })).toBe(false);
    expect(isProblem(null)).toBe(false);
    expect(isProblem('text')).toBe(false);
  });
});

describe('errorFromBody', () => {
  it('reads problem+json bodies', () => {
    const error = errorFromBody(404, 'application/problem+json; charset=utf-8', JSON.stringify({ ...validationProblem, status: 404, code: 'not_found', detail: 'Dataset x was not found.' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('Dataset x was not found.');
  });

  it('gives a plain message for an HTML error page', () => {
    const error = errorFromBody(502, 'text/html', '<html><body>Bad gateway</body></html>');
    expect(error.code).toBe('internal');
    expect(error.status).toBe(502);
    expect(error.message).toBe('The server failed to answer (HTTP 502). Try again in a moment.');
  });

  it('gives a plain message for broken JSON', () => {
    const error = errorFromBody(401, 'application/json', '{"unterminated');
    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('You need to sign in to do this.');
  });
});

describe('errorMessage', () => {
  it('uses the message of errors and a fallback for anything else', () => {
    expect(errorMessage(new Error('Disk full.'))).toBe('Disk full.');
    expect(errorMessage('weird')).toBe('Something went wrong. Reload the page and try again.');
  });
});

describe('isRetryable', () => {
  it('offers no retry for not found', () => {
    expect(isRetryable(new ApiError('not_found', 404, 'Dataset 1 was not found.'))).toBe(false);
  });

  it('offers no retry for other refusals', () => {
    expect(isRetryable(new ApiError('validation_failed', 400, 'Invalid request.'))).toBe(false);
    expect(isRetryable(new ApiError('unauthenticated', 401, 'Sign in.'))).toBe(false);
    expect(isRetryable(new ApiError('forbidden', 403, 'Not allowed.'))).toBe(false);
    expect(isRetryable(new ApiError('conflict', 409, 'Changed meanwhile.'))).toBe(false);
  });

  it('retries network and server failures', () => {
    expect(isRetryable(networkError())).toBe(true);
    expect(isRetryable(errorFromBody(500, 'text/html', '<h1>oops</h1>'))).toBe(true);
    expect(isRetryable(errorFromBody(503, null, ''))).toBe(true);
    expect(isRetryable(unexpectedResponse(200))).toBe(true);
  });

  it('retries timeouts and rate limits', () => {
    expect(isRetryable(errorFromBody(408, null, ''))).toBe(true);
    expect(isRetryable(errorFromBody(429, null, ''))).toBe(true);
  });

  it('retries errors from outside the API', () => {
    expect(isRetryable(new TypeError('x is undefined'))).toBe(true);
    expect(isRetryable('a thrown string')).toBe(true);
  });
});

describe('apiRequest', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('builds query strings without empty values', () => {
    expect(apiUrl('/datasets', { projectId: undefined, limit: 50, cursor: null })).toBe('/api/v1/datasets?limit=50');
    expect(apiUrl('/config')).toBe('/api/v1/config');
  });

  it('sends JSON and returns the parsed body', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ id: 'p1' }), { status: 201, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);

    const created = await apiRequest<{ id: string }>('/projects', { method: 'POST', body: { title: 'Lakes' } });

    expect(created).toEqual({ id: 'p1' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/projects');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"title":"Lakes"}');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('returns undefined for 204', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    await expect(apiRequest('/auth/sign-out', { method: 'POST' })).resolves.toBeUndefined();
  });

  it('throws the problem as an ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify(validationProblem), { status: 400, headers: { 'content-type': 'application/problem+json' } })),
    );
    const failure = await apiRequest('/projects', { method: 'POST', body: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).fieldMessage('title')).toMatch(/Too small/);
  });

  it('turns a failed connection into a network error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const failure = await apiRequest('/config').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('network');
    expect((failure as ApiError).message).toBe('The server could not be reached. Check your connection and try again.');
  });

  it('re-throws aborts unchanged', async () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(abort)));
    await expect(apiRequest('/config')).rejects.toBe(abort);
  });
});
