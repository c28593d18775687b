import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleLogger } from '../../server/observability/logger.js';
import { PROGRESS_INTERVAL_MS, ProgressReporter } from '../../workers/ingest/progress-reporter.js';
import { createIngestWorld, RecordingPublisher, type IngestWorld } from '../helpers/ingest.js';

let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ProgressReporter', () => {
  it('coalesces row updates to about four a second and sends the last one', async () => {
    const datasetId = await world.createDataset();
    const importId = await world.addImport(datasetId, { content: 'a,b\n1,2\n', name: 'p.csv' });
    await world.knex('imports').where({ id: importId }).update({ state: 'running' });
    const publisher = new RecordingPublisher();
    const reporter = new ProgressReporter(world.knex, publisher, { id: importId, datasetId, userId: world.userId }, moduleLogger('test'));

    await reporter.startPhase('loading', 10_000);
    const started = Date.now();
    let rows = 0;
    while (Date.now() - started < 1000) {
      rows += 10;
      reporter.advance(rows, rows / 10_000);
      await sleep(5);
    }
    await sleep(PROGRESS_INTERVAL_MS + 100);
    await reporter.settle();

    const sent = publisher.progress.map((entry) => entry.progress);
    // The phase start plus at most one update per interval over about a second.
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(7);
    expect(sent[0]).toMatchObject({ phase: 'loading', rowsDone: 0, rowsTotal: 10_000, state: 'running' });
    expect(sent.at(-1)!.rowsDone).toBe(rows);
    expect(sent.at(-1)!.ratePerSecond).toBeGreaterThan(0);
    expect(sent.at(-1)!.etaSeconds).toBeGreaterThan(0);
    expect(publisher.progress.every((entry) => entry.uploaderId === world.userId)).toBe(true);

    const row = await world.knex('imports').where({ id: importId }).first('phase', 'rowsDone', 'rowsTotal');
    expect(row).toEqual({ phase: 'loading', rowsDone: rows, rowsTotal: 10_000 });
  });

  it('notices a cancelled import on its next write', async () => {
    const datasetId = await world.createDataset();
    const importId = await world.addImport(datasetId, { content: 'a,b\n1,2\n', name: 'c.csv' });
    await world.knex('imports').where({ id: importId }).update({ state: 'running' });
    const publisher = new RecordingPublisher();
    const reporter = new ProgressReporter(world.knex, publisher, { id: importId, datasetId, userId: null }, moduleLogger('test'));

    await reporter.startPhase('analysing', null);
    expect(reporter.cancelled).toBe(false);
    await world.knex('imports').where({ id: importId }).update({ state: 'cancelled' });
    await reporter.startPhase('loading', 1);
    expect(reporter.cancelled).toBe(true);
    expect(publisher.progress).toHaveLength(1);
  });
});
