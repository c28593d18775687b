import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openAsBlob } from 'node:fs';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../common/api/imports.js';
import { createKnex } from '../../server/db/knex.js';
import { datasetSnapshot } from '../helpers/ingest.js';
import { startTsProcess } from '../helpers/processes.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ROWS = 120_000;
// A short job lock, so BullMQ hands the killed worker's job on after seconds rather than 30 s, and
// a short stall limit, so the API calls the import stalled soon after its worker is gone.
const ENV = { JOB_LOCK_MS: '2000', IMPORT_STALL_SECONDS: '5' };

let stack: Stack;
let knex: Knex;
let cookie: string;
let workDir: string;

beforeAll(async () => {
  stack = await startStack({ env: ENV });
  knex = createKnex({ DATABASE_URL: stack.database.url, DATABASE_POOL_MAX: 2 });
  cookie = await stack.signIn();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-kill-'));
}, 120_000);

afterAll(async () => {
  await knex?.destroy();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function api<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.url}/api/v1${apiPath}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function upload(datasetId: string, file: string): Promise<ImportRecord> {
  const form = new FormData();
  form.set('file', await openAsBlob(file), path.basename(file));
  const response = await fetch(`${stack.url}/api/v1/datasets/${datasetId}/imports`, { method: 'POST', headers: { cookie }, body: form });
  expect(response.status).toBe(202);
  return (await response.json()) as ImportRecord;
}

async function waitFor(importId: string, accept: (record: ImportRecord) => boolean, timeoutMs = 120_000, intervalMs = 50): Promise<ImportRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await api<ImportRecord>('GET', `/imports/${importId}`);
    if (accept(record)) return record;
    if (Date.now() > deadline) throw new Error(`import ${importId} is ${record.state}/${record.phase} after ${timeoutMs} ms:\n${stack.workers.map((worker) => worker.output()).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function csvOf(name: string, rows: number): Promise<string> {
  const lines = Array.from({ length: rows }, (_, index) => `${name}-${index},${(index % 170) - 85},${(index % 350) - 175},${index * 0.25}`);
  const file = path.join(workDir, `${name}.csv`);
  await writeFile(file, `name,lat,lon,value\n${lines.join('\n')}\n`);
  return file;
}

describe('a worker killed during a load', () => {
  it('rolls back, shows stalled, retries once', async () => {
    const project = await api<{ id: string }>('POST', '/projects', { title: 'Kill test' });
    const dataset = await api<{ id: string }>('POST', `/projects/${project.id}/datasets`, { title: 'Killed load' });

    // The dataset already contains rows, which must be exactly the same after the kill.
    const first = await upload(dataset.id, await csvOf('first', 50));
    await waitFor(first.id, (record) => record.state === 'awaiting_review');
    await api('POST', `/imports/${first.id}/start`, {});
    await waitFor(first.id, (record) => record.state === 'completed');
    const before = await datasetSnapshot(knex, dataset.id);
    expect(before).toMatchObject({ samples: 50, sampleCount: 50, seq: 1, changes: 1 });

    const big = await upload(dataset.id, await csvOf('big', ROWS));
    await waitFor(big.id, (record) => record.state === 'awaiting_review');
    await api('POST', `/imports/${big.id}/start`, {});
    // rowsDone counts rows sent to PostgreSQL, which commits only after the last one.
    const loading = await waitFor(big.id, (record) => record.state === 'running' && record.phase === 'loading' && record.rowsDone > 0, 120_000, 10);
    expect(loading.rowsDone).toBeGreaterThan(0);

    const worker = stack.workers[0]!;
    await worker.stop('SIGKILL');
    expect(worker.child.signalCode).toBe('SIGKILL');

    // PostgreSQL rolls the load transaction back when the worker's connections drop.
    await waitForNoActiveLoad(knex, stack.database.name);
    expect(await datasetSnapshot(knex, dataset.id)).toEqual(before);
    expect(await knex('samples').where({ importId: big.id }).count<{ count: number }[]>('* as count')).toEqual([{ count: 0 }]);

    const stalled = await waitFor(big.id, (record) => record.stalled, 30_000, 250);
    expect(stalled).toMatchObject({ state: 'running', phase: 'loading', stalled: true });

    // A new worker finds the job stalled once its lock has expired and runs it again from the start.
    const replacement = startTsProcess('workers/main.ts', stack.env);
    stack.workers.push(replacement);
    const done = await waitFor(big.id, (record) => record.state === 'completed' || record.state === 'failed', 180_000, 250);
    expect(done).toMatchObject({ state: 'completed', stalled: false, counts: { rows: ROWS, samples: ROWS } });

    const after = await datasetSnapshot(knex, dataset.id);
    expect(after).toMatchObject({ samples: 50 + ROWS, sampleCount: 50 + ROWS, seq: 2, changes: 2, fields: ['value'] });
    expect(await knex('samples').where({ importId: big.id }).countDistinct<{ count: number }[]>('name as count')).toEqual([{ count: ROWS }]);
    expect(await knex('dataset_changes').where({ datasetId: dataset.id, importId: big.id }).count<{ count: number }[]>('* as count')).toEqual([{ count: 1 }]);
  }, 300_000);
});

/** Waits until no backend of the database runs a COPY any more, so the rollback has happened. */
async function waitForNoActiveLoad(knex: Knex, database: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await knex.raw<{ rows: { count: number }[] }>(
      "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = ? AND query ILIKE 'COPY samples%' AND state <> 'idle'",
      [database],
    );
    if (rows[0]!.count === 0) return;
    if (Date.now() > deadline) throw new Error('the killed worker\'s COPY is still running after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
