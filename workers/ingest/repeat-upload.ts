import type { Knex } from 'knex';
import { plural } from '../../common/counts.js';

/** The import being analysed: its dataset and the checksum of its bytes. */
export interface UploadIdentity {
  id: string;
  datasetId: string;
  checksumSha256: string | null;
}

/**
 * Builds the review note on a file whose very bytes were loaded into the same dataset before,
 * which a second load would add a second time, or returns null for a file not loaded before.
 */
export async function repeatUploadNote(knex: Knex, upload: UploadIdentity): Promise<string | null> {
  if (upload.checksumSha256 === null) return null;
  const earlier: { originalName: string; finishedAt: Date; counts: { samples?: number } } | undefined = await knex('imports')
    .where({ datasetId: upload.datasetId, checksumSha256: upload.checksumSha256, state: 'completed' })
    .whereNot({ id: upload.id })
    .orderBy('finishedAt', 'desc')
    .first('originalName', 'finishedAt', 'counts');
  if (!earlier) return null;

  const day = earlier.finishedAt.toISOString().slice(0, 10);
  const count = earlier.counts.samples;
  const added = count === undefined ? '' : `, which added ${plural(count, 'sample')}`;
  return `This file has the same content as "${earlier.originalName}", loaded into this dataset on ${day}${added}. Loading it again adds its rows a second time; cancel this import if they are already there.`;
}
