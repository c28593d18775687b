import type { Knex } from 'knex';
import { notifyUsersSafely, type NotifyDependencies } from '../../server/notifications/notify.js';
import type { ImportRow } from './import-record.js';

/** How an import ended, as its uploader is notified. */
export type ImportEnding = { state: 'completed'; samples: number } | { state: 'failed'; error: string };

/**
 * Tells the uploader that an import finished or failed: in the app, live, and by email when
 * the uploader's preferences ask for it. Imports without an uploader tell no one.
 */
export async function notifyImportEnded(deps: NotifyDependencies | undefined, record: ImportRow, ending: ImportEnding): Promise<void> {
  if (!deps || !record.userId) return;

  const facts = await importFacts(deps.knex, record);
  const common = { importId: record.id, datasetId: record.datasetId, datasetTitle: facts.datasetTitle, fileName: facts.fileName };
  const event =
    ending.state === 'completed'
      ? { kind: 'import.completed' as const, ...common, samples: ending.samples }
      : { kind: 'import.failed' as const, ...common, error: ending.error };
  await notifyUsersSafely(deps, [record.userId], event);
}

async function importFacts(knex: Knex, record: ImportRow): Promise<{ datasetTitle: string; fileName: string }> {
  const row = await knex('imports')
    .join('datasets', 'datasets.id', 'imports.datasetId')
    .where('imports.id', record.id)
    .first('imports.originalName as fileName', 'datasets.title as datasetTitle');
  return row ?? { datasetTitle: 'a dataset', fileName: 'your file' };
}
