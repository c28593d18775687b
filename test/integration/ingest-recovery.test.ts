import type { ReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { UploadStore } from '../../server/storage/upload-store.js';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

/**
 * An upload store that breaks the load half-way. Its second full read of a file is the load pass
 * (the analysis is the first), and it runs `onLoadChunk` when that read's second chunk arrives,
 * after the first chunk has gone into the COPY.
 */
class InterferingStore extends UploadStore {
  private fullReads = 0;

  constructor(
    root: string,
    private readonly onLoadChunk: (stream: ReadStream) => void,
  ) {
    super(root);
  }

  override openRead(key: string, options?: { start?: number; end?: number; highWaterMark?: number }): ReadStream {
    const stream = super.openRead(key, options);
    if (options?.end === undefined) {
      this.fullReads += 1;
      if (this.fullReads === 2) {
        let chunks = 0;
        stream.on('data', () => {
          chunks += 1;
          if (chunks === 2) this.onLoadChunk(stream);
        });
      }
    }
    return stream;
  }
}

function bigCsv(rows: number): string {
  const lines = Array.from({ length: rows }, (_, index) => `S${index},${index % 80},${index % 170},${index}`);
  return `name,lat,lon,value\n${lines.join('\n')}\n`;
}

async function stagingTables(knex: Knex): Promise<number> {
  const result = await knex.raw("SELECT count(*)::int AS count FROM pg_class WHERE relname = 'ingest_staging'");
  return result.rows[0].count;
}

describe('crash safety', () => {
  it('rolls back a load that breaks half-way and retries it from the start', async () => {
    const datasetId = await world.createDataset('Crash');
    const importId = await world.addImport(datasetId, { content: bigCsv(20_000), name: 'crash.csv' });
    const before = await datasetSnapshot(world.knex, datasetId);

    const breaking = new InterferingStore(world.uploads.root, (stream) => stream.destroy(new Error('the disk went away')));
    await expect(world.run(importId, { isFinal: false }, breaking)).rejects.toThrow('the disk went away');

    expect(await datasetSnapshot(world.knex, datasetId)).toEqual(before);
    expect(await stagingTables(world.knex)).toBe(0);
    const requeued = await world.knex('imports').where({ id: importId }).first('state', 'phase', 'error');
    expect(requeued).toEqual({ state: 'queued', phase: 'queued', error: null });

    const outcome = await world.load(importId);
    expect(outcome).toMatchObject({ state: 'completed', changeSeq: 1 });
    expect(await datasetSnapshot(world.knex, datasetId)).toMatchObject({ samples: 20_000, sampleCount: 20_000, seq: 1, changes: 1 });
  });

  it('marks the import failed with a reference on the final attempt', async () => {
    const datasetId = await world.createDataset('Final attempt');
    const importId = await world.addImport(datasetId, { content: bigCsv(20_000), name: 'final.csv' });
    const breaking = new InterferingStore(world.uploads.root, (stream) => stream.destroy(new Error('the disk went away')));
    await expect(world.run(importId, { isFinal: true }, breaking)).rejects.toThrow();

    const record = await world.knex('imports').where({ id: importId }).first('state', 'error');
    expect(record.state).toBe('failed');
    expect(record.error).toBe(
      `The import failed because of an internal error (reference ${importId}); try again later, and if it fails again tell the portal's administrators.`,
    );
    expect((await datasetSnapshot(world.knex, datasetId)).samples).toBe(0);
  });

  it('stops and rolls back when the import is cancelled during the load', async () => {
    const datasetId = await world.createDataset('Cancelled');
    const importId = await world.addImport(datasetId, { content: bigCsv(20_000), name: 'cancel.csv' });
    const cancelling = new InterferingStore(world.uploads.root, () => {
      void world.knex('imports').where({ id: importId }).update({ state: 'cancelled' }).then(() => undefined);
    });

    const outcome = await world.run(importId, { isFinal: true }, cancelling);
    expect(outcome.state).toBe('skipped');
    expect(await datasetSnapshot(world.knex, datasetId)).toMatchObject({ samples: 0, seq: 0, fields: [] });
    expect((await world.knex('imports').where({ id: importId }).first('state')).state).toBe('cancelled');

    expect(await world.load(importId)).toEqual({ state: 'skipped', reason: 'the import was cancelled' });
  });

  it('skips an already merged import', async () => {
    const datasetId = await world.createDataset('Merged twice');
    const importId = await world.addImport(datasetId, { content: bigCsv(10), name: 'twice.csv' });
    await world.run(importId);
    await world.knex('imports').where({ id: importId }).update({ state: 'queued', changeSeq: null });

    expect(await world.load(importId)).toEqual({ state: 'completed', changeSeq: 1, counts: null });
    expect(await datasetSnapshot(world.knex, datasetId)).toMatchObject({ samples: 10, seq: 1, changes: 1 });
    expect(await world.knex('imports').where({ id: importId }).first('state', 'changeSeq')).toEqual({ state: 'completed', changeSeq: 1 });
  });
});
