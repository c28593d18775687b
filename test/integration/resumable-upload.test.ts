import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../common/api/imports.js';
import { startTsProcess, waitForHealthy } from '../helpers/processes.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Resumable uploads over the tus protocol, spoken here with plain HTTP requests so every header
 * the server checks is visible: two server nodes on one upload directory and one Redis, one of
 * them restarted in the middle of an upload.
 */
let stack: Stack;
let cookie: string;
let datasetId: string;

const TUS = { 'Tus-Resumable': '1.0.0' };

beforeAll(async () => {
  stack = await startStack({ servers: 2, env: { UPLOAD_MAX_BYTES: String(1024 * 1024) } });
  cookie = await stack.signIn();
  const project = await json<{ id: string }>('POST', '/projects', { title: 'Resumable uploads' });
  datasetId = (await json<{ id: string }>('POST', `/projects/${project.id}/datasets`, { title: 'Uploads' })).id;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function json<T>(method: string, apiPath: string, body?: unknown, baseUrl = stack.url): Promise<T> {
  const response = await fetch(`${baseUrl}/api/v1${apiPath}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

function metadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

async function create(size: number, filename: string, options: { baseUrl?: string; withCookie?: boolean; dataset?: string } = {}): Promise<Response> {
  return fetch(`${options.baseUrl ?? stack.url}/api/v1/uploads`, {
    method: 'POST',
    headers: {
      ...TUS,
      ...(options.withCookie === false ? {} : { cookie }),
      'Upload-Length': String(size),
      'Upload-Metadata': metadata({ datasetId: options.dataset ?? datasetId, filename }),
    },
  });
}

async function patch(location: string, offset: number, bytes: Buffer, baseUrl = stack.url): Promise<Response> {
  return fetch(`${baseUrl}${location}`, {
    method: 'PATCH',
    headers: { ...TUS, cookie, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    body: bytes,
  });
}

async function offsetOf(location: string, baseUrl = stack.url): Promise<number> {
  const response = await fetch(`${baseUrl}${location}`, { method: 'HEAD', headers: { ...TUS, cookie } });
  expect(response.status).toBe(200);
  return Number(response.headers.get('upload-offset'));
}

async function waitFor(importId: string, state: string): Promise<ImportRecord> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const record = await json<ImportRecord>('GET', `/imports/${importId}`);
    if (record.state === state) return record;
    if (Date.now() > deadline) throw new Error(`import ${importId} is ${record.state}, not ${state}: ${record.error ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('resumable uploads', () => {
  it('check the sign-in, dataset, size and type before any byte is sent', async () => {
    expect((await create(100, 'a.csv', { withCookie: false })).status).toBe(401);
    expect((await create(100, 'notes.docx')).status).toBe(415);
    expect((await create(2 * 1024 * 1024, 'big.csv')).status).toBe(413);
    expect((await create(100, 'a.csv', { dataset: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await create(100, '../../etc/passwd')).status).toBe(400);
  });

  it('resume on another node after a server restart and record the SHA-256', async () => {
    const rows = Array.from({ length: 2000 }, (_, index) => `S${index},${(index % 170) - 85},${(index % 350) - 175},${index}`);
    const file = Buffer.from(`name,lat,lon,value\n${rows.join('\n')}\n`);
    const created = await create(file.length, 'my stations (final).csv');
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const importId = location.split('/').pop()!;
    expect(location).toBe(`/api/v1/uploads/${importId}`);

    // Everyone viewing the dataset can follow the upload from its creation on.
    const uploading = await json<ImportRecord>('GET', `/imports/${importId}`);
    expect(uploading).toMatchObject({ state: 'uploading', phase: 'uploading', originalName: 'my stations (final).csv', sizeBytes: file.length, checksumSha256: null });

    const half = Math.floor(file.length / 2);
    expect((await patch(location, 0, file.subarray(0, half))).status).toBe(204);
    expect(await json<ImportRecord>('GET', `/imports/${importId}`)).toMatchObject({ state: 'uploading', bytesReceived: half });

    // The first node goes down; its replacement on the same port and the second node carry on.
    const [first] = stack.servers;
    const port = new URL(stack.urls[0]!).port;
    await first!.stop();
    const restarted = startTsProcess('server/main.ts', { ...stack.env, PORT: port, PUBLIC_URL: stack.urls[0]! });
    stack.servers[0] = restarted;
    await waitForHealthy(`${stack.urls[0]}/api/v1/health`, [restarted]);

    expect(await offsetOf(location, stack.urls[1])).toBe(half);
    expect((await patch(location, half + 1, file.subarray(half + 1), stack.urls[1])).status).toBe(409);
    expect((await patch(location, half, file.subarray(half), stack.urls[1])).status).toBe(204);
    expect(await offsetOf(location)).toBe(file.length);

    const analysed = await waitFor(importId, 'awaiting_review');
    expect(analysed.checksumSha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(analysed.bytesReceived).toBe(file.length);
    expect(analysed.mapping).toMatchObject({ format: 'csv', rows: 2000 });
  });

  it('reject upload requests without a session', async () => {
    const created = await create(10, 'private.csv');
    const location = created.headers.get('location')!;
    const anonymous = await fetch(`${stack.url}${location}`, { method: 'HEAD', headers: TUS });
    expect(anonymous.status).toBe(401);
  });

  it('stop taking bytes once the import is cancelled', async () => {
    const created = await create(20, 'cancelled.csv');
    const location = created.headers.get('location')!;
    const importId = location.split('/').pop()!;
    expect(await json<ImportRecord>('POST', `/imports/${importId}/cancel`)).toMatchObject({ state: 'cancelled' });
    expect((await patch(location, 0, Buffer.from('name,value\nA,1\n'))).status).toBe(404);
  });
});
