import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { DatasetChange, ImportProgress } from '../../common/events.js';
import { createKnex } from '../../server/db/knex.js';
import type { RealtimePublisher } from '../../server/realtime/publisher.js';
import { UploadStore } from '../../server/storage/upload-store.js';
import { runAnalysis, runLoad, type AttemptInfo, type IngestOutcome } from '../../workers/ingest/process-import.js';
import type { ImportMappingUpdate, InvalidRowPolicy } from '../../common/api/imports.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { REPO_ROOT } from './processes.js';

/** Directory of the ingest fixture files. */
export const INGEST_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/ingest');

/** A publisher that keeps what it was asked to send, for checking progress and changes. */
export class RecordingPublisher implements RealtimePublisher {
  readonly changes: DatasetChange[] = [];
  readonly progress: { progress: ImportProgress; uploaderId: string | null }[] = [];

  publishChange(change: DatasetChange): void {
    this.changes.push(change);
  }

  publishImportProgress(progress: ImportProgress, uploaderId: string | null): void {
    this.progress.push({ progress, uploaderId });
  }
}

/** A database with a user, a project and a dataset, and an upload directory, for ingest tests. */
export interface IngestWorld {
  database: TestDatabase;
  knex: Knex;
  uploads: UploadStore;
  userId: string;
  projectId: string;
  publisher: RecordingPublisher;
  /** Creates another empty dataset in the project. */
  createDataset(title?: string): Promise<string>;
  /** Stores a file as an upload and records a queued import of it; returns the import id. */
  addImport(datasetId: string, file: { fixture: string } | { path: string } | { content: string | Buffer; name: string }, format?: 'csv' | 'geojson' | 'xlsx' | 'ods' | null): Promise<string>;
  /**
   * Runs the analysis of an import in this process and, when it waits for review, starts its
   * load with the given policy for invalid rows (default "reject") and runs that too.
   */
  run(importId: string, attempt?: AttemptInfo, uploads?: UploadStore, invalidRows?: InvalidRowPolicy): Promise<IngestOutcome>;
  /** Runs only the analysis job. */
  analyse(importId: string, attempt?: AttemptInfo): Promise<IngestOutcome>;
  /** Marks an analysed import's load requested, as POST /imports/{id}/start does, and runs the load job. */
  load(importId: string, invalidRows?: InvalidRowPolicy, attempt?: AttemptInfo, uploads?: UploadStore): Promise<IngestOutcome>;
  /** Stores mapping changes and queues the analysis again, as PATCH /imports/{id}/mapping does. */
  changeMapping(importId: string, update: ImportMappingUpdate): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sets up an ingest world on a fresh copy of the migrated template database. `segmentMinRows`
 * overrides the fewest rows for which a load builds a location segment of its own.
 */
export async function createIngestWorld(issuesMax = 50, options: { segmentMinRows?: number } = {}): Promise<IngestWorld> {
  const database = await createTestDatabase();
  const knex = createKnex({ DATABASE_URL: database.url, DATABASE_POOL_MAX: 5 });
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-ingest-'));
  const uploads = new UploadStore(uploadDir);
  const publisher = new RecordingPublisher();

  const [user] = await knex('users').insert({ email: 'uploader@example.org', displayName: 'Uploader' }).returning('id');
  const [project] = await knex('projects').insert({ title: 'Ingest tests', createdBy: user.id }).returning('id');

  const world: IngestWorld = {
    database,
    knex,
    uploads,
    userId: user.id,
    projectId: project.id,
    publisher,
    async createDataset(title = 'Dataset') {
      const [dataset] = await knex('datasets').insert({ projectId: project.id, title, createdBy: user.id }).returning('id');
      return dataset.id as string;
    },
    async addImport(datasetId, file, format) {
      const key = uploads.newKey();
      const target = uploads.pathOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      let name: string;
      if ('content' in file) {
        await writeFile(target, file.content);
        name = file.name;
      } else {
        const source = 'fixture' in file ? path.join(INGEST_FIXTURES, file.fixture) : file.path;
        await copyFile(source, target);
        name = path.basename(source);
      }
      const [record] = await knex('imports')
        .insert({
          datasetId,
          userId: user.id,
          originalName: name,
          storageKey: key,
          sizeBytes: (await stat(target)).size,
          checksumSha256: '0'.repeat(64),
          format: format ?? formatOf(name),
        })
        .returning('id');
      return record.id as string;
    },
    async run(importId, attempt = { isFinal: true }, customUploads = uploads, invalidRows = 'reject') {
      const analysed = await runAnalysis({ knex, uploads: customUploads, publisher, issuesMax }, importId, attempt);
      if (analysed.state !== 'awaiting_review') return analysed;
      return world.load(importId, invalidRows, attempt, customUploads);
    },
    analyse(importId, attempt = { isFinal: true }) {
      return runAnalysis({ knex, uploads, publisher, issuesMax }, importId, attempt);
    },
    async load(importId, invalidRows = 'reject', attempt = { isFinal: true }, customUploads = uploads) {
      await knex('imports').where({ id: importId, state: 'awaiting_review' }).update({ state: 'queued', phase: 'queued', invalidRows, loadRequestedAt: knex.fn.now() });
      return runLoad({ knex, uploads: customUploads, publisher, issuesMax, ...options }, importId, attempt);
    },
    async changeMapping(importId, update) {
      const record = await knex('imports').where({ id: importId }).first('options', 'revision');
      const options = { ...(record.options as ImportMappingUpdate), ...update };
      await knex('imports').where({ id: importId }).update({ options: JSON.stringify(options), revision: record.revision + 1, state: 'queued', phase: 'queued' });
    },
    async close() {
      await knex.destroy();
      await database.drop();
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
  return world;
}

function formatOf(name: string): 'csv' | 'geojson' | 'xlsx' | 'ods' | null {
  if (/\.(geo)?json$/i.test(name)) return 'geojson';
  if (/\.xlsx$/i.test(name)) return 'xlsx';
  if (/\.ods$/i.test(name)) return 'ods';
  if (/\.zip$/i.test(name)) return null;
  return 'csv';
}

/** What a dataset holds, for checking that a failed import changed nothing. */
export async function datasetSnapshot(knex: Knex, datasetId: string) {
  const dataset = await knex('datasets')
    .where({ id: datasetId })
    .first('seq', 'sampleCount', 'locatedCount', knex.raw('ST_AsGeoJSON(spatial_extent)::json AS extent'));
  const samples = await knex('samples').where({ datasetId }).count<{ count: number }[]>('* as count');
  const fields = await knex('dataset_fields').where({ datasetId }).orderBy('position').pluck('key');
  const changes = await knex('dataset_changes').where({ datasetId }).count<{ count: number }[]>('* as count');
  return { ...dataset, samples: Number(samples[0]!.count), fields, changes: Number(changes[0]!.count) };
}
