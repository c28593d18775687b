import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestJobData } from '../../server/jobs/queues.js';
import { handOffFinishedUpload } from '../../server/uploads/upload-hand-off.js';
import { createIngestWorld, type IngestWorld } from '../helpers/ingest.js';

/**
 * The hand-off of a finished resumable upload to analysis, which the tus finish hook and the
 * expiry sweep share, against a real database and a stand-in for the ingest queue.
 */
let world: IngestWorld;
let datasetId: string;

beforeAll(async () => {
  world = await createIngestWorld();
  datasetId = await world.createDataset('Hand-off');
});

afterAll(async () => {
  await world?.close();
});

/** Builds a stand-in ingest queue that records the jobs added, or fails every add with `failure`. */
function recordingQueue(failure?: Error): { queue: Queue<IngestJobData>; added: IngestJobData[] } {
  const added: IngestJobData[] = [];
  const queue = {
    async add(_name: string, data: IngestJobData) {
      if (failure) throw failure;
      added.push(data);
    },
  };
  return { queue: queue as unknown as Queue<IngestJobData>, added };
}

/** Stores a file and records its import as a resumable upload still `uploading`; returns the upload id. */
async function uploadingImport(content: string): Promise<string> {
  const id = await world.addImport(datasetId, { content, name: 'stations.csv' });
  await world.knex('imports').where({ id }).update({ uploadId: id, state: 'uploading', phase: 'uploading', bytesReceived: 0 });
  return id;
}

describe('hand-off of a finished upload', () => {
  it('queues analysis once for two callers', async () => {
    const id = await uploadingImport('name,value\nA,1\n');
    const { queue, added } = recordingQueue();
    const deps = { ingestQueue: queue, publisher: world.publisher };

    const outcomes = await Promise.all([handOffFinishedUpload(deps, id, 15), handOffFinishedUpload(deps, id, 15)]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['not_uploading', 'queued']);
    expect(added).toEqual([{ importId: id, step: 'analyse' }]);
    expect(await world.knex('imports').where({ id }).first('state', 'bytesReceived')).toEqual({ state: 'queued', bytesReceived: 15 });
  });

  it('fails the import when queueing fails', async () => {
    const id = await uploadingImport('name,value\nB,2\n');
    const { queue } = recordingQueue(new Error('Connection is closed.'));

    const outcome = await handOffFinishedUpload({ ingestQueue: queue, publisher: world.publisher }, id, 15);
    expect(outcome.kind).toBe('failed');
    const record = await world.knex('imports').where({ id }).first('state', 'error');
    expect(record.state).toBe('failed');
    expect(record.error).toBe('The file arrived, but its analysis could not be queued, and the error was logged. Upload the file again.');
    const published = world.publisher.progress.filter((event) => event.progress.importId === id);
    expect(published.map((event) => event.progress.state)).toEqual(['failed']);
  });

  it('leaves a cancelled upload alone', async () => {
    const id = await uploadingImport('name,value\nC,3\n');
    await world.knex('imports').where({ id }).update({ state: 'cancelled' });
    const { queue, added } = recordingQueue();

    expect(await handOffFinishedUpload({ ingestQueue: queue, publisher: world.publisher }, id, 15)).toEqual({ kind: 'not_uploading' });
    expect(added).toEqual([]);
  });
});
