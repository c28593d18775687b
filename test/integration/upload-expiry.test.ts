import { existsSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../common/api/imports.js';
import type { Problem } from '../../common/errors.js';
import { EXPIRE_UPLOADS_JOB, MAINTENANCE_QUEUE } from '../../server/jobs/maintenance-queue.js';
import { QUEUES } from '../../server/jobs/queues.js';
import { createRedis, redisKeys } from '../../server/redis/connections.js';
import { TestClient } from '../helpers/api-server.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { TusTestClient } from '../helpers/tus.js';
import { backdateUpload, runUploadExpirySweep, waitForScheduledSweep } from '../helpers/upload-expiry.js';

/**
 * The expiry of abandoned resumable uploads: a real server and worker, uploads made stale by
 * moving their files' modification time back past UPLOAD_EXPIRY_HOURS (24 by default), and the
 * sweep run as the worker runs it, from the maintenance queue.
 */
const redis = createRedis({ REDIS_URL: 'redis://127.0.0.1:6379' }, 'commands');
const FILE = Buffer.from('name,value\nA,1\nB,2\nC,3\n');
const HALF = 12;
let stack: Stack;
let knex: Knex;
let api: TestClient;
let tus: TusTestClient;
let datasetId: string;

beforeAll(async () => {
  stack = await startStack();
  knex = knexFactory({ client: 'pg', connection: stack.database.url });
  api = await new TestClient(stack.url).signIn();
  tus = new TusTestClient(stack.url, api.cookie);
  const project = await api.post('/projects', { title: 'Expiry' });
  datasetId = (await api.post(`/projects/${project.body.id}/datasets`, { title: 'Abandoned uploads' })).body.id;
  await waitForScheduledSweep(stack.env.REDIS_PREFIX!);
}, 120_000);

afterAll(async () => {
  await knex?.destroy();
  await redis.quit();
  await stack?.stop();
});

/** Creates an upload and sends its first `bytes` bytes; returns its location and id. */
async function startUpload(name: string, bytes: number): Promise<{ location: string; id: string }> {
  const created = await tus.create(datasetId, FILE.length, name);
  expect(created.status).toBe(201);
  const location = created.headers.get('location')!;
  if (bytes > 0) expect((await tus.patch(location, 0, FILE.subarray(0, bytes))).status).toBe(204);
  return { location, id: location.split('/').pop()! };
}

function filesOf(id: string): boolean[] {
  const file = path.join(stack.env.UPLOAD_DIR!, 'imports', id);
  return [existsSync(file), existsSync(`${file}.json`)];
}

async function importOf(id: string): Promise<ImportRecord> {
  return (await api.get(`/imports/${id}`)).body as ImportRecord;
}

async function waitForState(id: string, state: ImportRecord['state']): Promise<ImportRecord> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const record = await importOf(id);
    if (record.state === state) return record;
    if (Date.now() > deadline) throw new Error(`import ${id} is ${record.state}, not ${state}: ${record.error ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('expiry of abandoned uploads', () => {
  let stale: { location: string; id: string };
  let fresh: { location: string; id: string };
  let finished: { location: string; id: string };
  let orphan: { location: string; id: string };

  it('sweep removes only stale unfinished uploads', async () => {
    finished = await startUpload('finished.csv', FILE.length);
    fresh = await startUpload('fresh.csv', HALF);
    stale = await startUpload('stale.csv', HALF);
    orphan = await startUpload('orphan.csv', 0);

    // A finished upload is as old as the stale one, and must stay: the import reads its file.
    await backdateUpload(stack.env.UPLOAD_DIR!, stale.id, 25);
    await backdateUpload(stack.env.UPLOAD_DIR!, finished.id, 25);
    await backdateUpload(stack.env.UPLOAD_DIR!, fresh.id, 23);
    // An import whose files never appeared (the node died while creating them) must not stay uploading.
    await rm(path.join(stack.env.UPLOAD_DIR!, 'imports', orphan.id));
    await rm(path.join(stack.env.UPLOAD_DIR!, 'imports', `${orphan.id}.json`));
    await knex('imports').where({ id: orphan.id }).update({ updated_at: knex.raw("now() - interval '25 hours'") });
    // A release flag left behind by a request that asked for the lock while another node held it.
    const releaseKey = `${stack.env.REDIS_PREFIX}:tus-lock:${stale.id}:release`;
    await redis.set(releaseKey, '1');

    const result = await runUploadExpirySweep(stack.env.REDIS_PREFIX!);

    expect(new Set(result.expired)).toEqual(new Set([stale.id, orphan.id]));
    expect(result.busy).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(filesOf(stale.id)).toEqual([false, false]);
    expect(filesOf(fresh.id)).toEqual([true, true]);
    expect(filesOf(finished.id)).toEqual([true, true]);
    expect(await redis.exists(releaseKey, `${stack.env.REDIS_PREFIX}:tus-lock:${stale.id}`)).toBe(0);
  });

  it('expired imports fail, others stay', async () => {
    const expired = await importOf(stale.id);
    expect(expired).toMatchObject({ state: 'failed', phase: 'done', bytesReceived: HALF });
    expect(expired.error).toBe('The upload expired: no bytes arrived for 24 hours, so the server removed the unfinished file. Upload the file again from the start.');
    expect(await importOf(orphan.id)).toMatchObject({ state: 'failed', error: expired.error });
    expect(await importOf(fresh.id)).toMatchObject({ state: 'uploading', bytesReceived: HALF });
    expect((await importOf(finished.id)).state).not.toBe('failed');
  });

  it('resume of expired upload gets 410', async () => {
    const head = await tus.head(stale.location);
    expect(head.status).toBe(410);
    const patch = await tus.patch(stale.location, HALF, FILE.subarray(HALF));
    expect(patch.status).toBe(410);
    expect(patch.headers.get('content-type')).toBe('application/problem+json');
    expect(((await patch.json()) as Problem).detail).toBe(
      'The upload expired: no bytes arrived for 24 hours, so the server removed the unfinished file. Upload the file again from the start.',
    );

    const reanalysed = await api.patch(`/imports/${stale.id}/mapping`, { headerRow: 1 });
    expect(reanalysed.status).toBe(409);
    expect(reanalysed.body.detail).toContain('upload the file again');
  });

  it('fresh upload continues after sweep', async () => {
    expect((await tus.patch(fresh.location, HALF, FILE.subarray(HALF))).status).toBe(204);
    expect(filesOf(fresh.id)).toEqual([true, true]);
    expect((await importOf(fresh.id)).bytesReceived).toBe(FILE.length);
  });

  it('stale upload expires on resume before sweep', async () => {
    const late = await startUpload('late.csv', HALF);
    await backdateUpload(stack.env.UPLOAD_DIR!, late.id, 25);

    const patch = await tus.patch(late.location, HALF, FILE.subarray(HALF));
    expect(patch.status).toBe(410);
    expect(((await patch.json()) as Problem).detail).toBe(
      'The upload expired: no bytes arrived for 24 hours, so the server removed the unfinished file. Upload the file again from the start.',
    );
    expect(filesOf(late.id)).toEqual([false, false]);
    expect(await importOf(late.id)).toMatchObject({ state: 'failed', bytesReceived: HALF });
    expect((await tus.head(late.location)).status).toBe(410);
  });

  it('sweep hands on stranded finished upload once', async () => {
    const stranded = await startUpload('stranded.csv', HALF);
    // The last bytes reach the file, but the server node stops before its finish hook runs.
    await appendFile(path.join(stack.env.UPLOAD_DIR!, 'imports', stranded.id), FILE.subarray(HALF));
    await backdateUpload(stack.env.UPLOAD_DIR!, stranded.id, 1);
    expect(await importOf(stranded.id)).toMatchObject({ state: 'uploading', bytesReceived: HALF });

    const first = await runUploadExpirySweep(stack.env.REDIS_PREFIX!);
    expect(first.handedOff).toEqual([stranded.id]);
    expect(first.expired).toEqual([]);
    const second = await runUploadExpirySweep(stack.env.REDIS_PREFIX!);
    expect(second.handedOff).toEqual([]);

    const analysed = await waitForState(stranded.id, 'awaiting_review');
    expect(analysed.bytesReceived).toBe(FILE.length);
    expect(analysed.mapping).toMatchObject({ format: 'csv', rows: 3 });
    expect(filesOf(stranded.id)).toEqual([true, true]);
    const queue = new Queue(QUEUES.ingest, { connection: redis, prefix: redisKeys(stack.env.REDIS_PREFIX!).bullmq });
    try {
      const jobs = await queue.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed']);
      expect(jobs.filter((job) => job.data.importId === stranded.id).map((job) => job.name)).toEqual(['analyse']);
    } finally {
      await queue.close();
    }
  });

  it('sweep scheduled hourly by default', async () => {
    const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix: redisKeys(stack.env.REDIS_PREFIX!).bullmq });
    try {
      const scheduler = await queue.getJobScheduler(EXPIRE_UPLOADS_JOB);
      expect(scheduler).toMatchObject({ name: EXPIRE_UPLOADS_JOB, every: 3_600_000 });
    } finally {
      await queue.close();
    }
  });
});
