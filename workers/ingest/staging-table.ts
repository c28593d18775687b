import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { STAGING_COPY_COLUMNS } from './copy-text.js';

/** Name of the temporary table one import's rows are loaded into before the merge. */
export const STAGING_TABLE = 'ingest_staging';

/**
 * Creates the staging table inside the load transaction; it is dropped at commit or rollback.
 * A temporary table is private to the connection and writes no WAL, so COPY into it is fast and
 * never visible to anyone else. `ord` draws from the samples' own identity sequence in the order
 * the rows arrive, which is the order of the file.
 */
export async function createStagingTable(trx: Knex.Transaction): Promise<void> {
  const sequence = await samplesOrdSequence(trx);
  await trx.raw(`
    CREATE TEMPORARY TABLE ${STAGING_TABLE} (
      id uuid NOT NULL,
      ord bigint NOT NULL DEFAULT nextval('${sequence}'::regclass),
      name text NOT NULL,
      longitude double precision,
      latitude double precision,
      location_text text,
      elevation double precision,
      collected_at timestamptz,
      collected_at_precision text,
      "values" jsonb NOT NULL,
      qualified jsonb,
      shape text
    ) ON COMMIT DROP
  `);
}

/**
 * Streams COPY text lines into the staging table over the transaction's own connection, with
 * backpressure: the source is read only as fast as PostgreSQL takes the data. If the source
 * throws, the COPY is aborted and the error is passed on.
 */
export async function copyIntoStaging(trx: Knex.Transaction, chunks: AsyncIterable<string>): Promise<void> {
  // A transaction's client hands out the transaction's connection, so COPY runs inside it.
  const connection = (await trx.client.acquireConnection()) as pg.PoolClient;
  const columns = STAGING_COPY_COLUMNS.map((column) => `"${column}"`).join(', ');
  const copy = connection.query(copyFrom(`COPY ${STAGING_TABLE} (${columns}) FROM STDIN`));
  await pipeline(Readable.from(chunks), copy);
}

async function samplesOrdSequence(trx: Knex.Transaction): Promise<string> {
  const result = await trx.raw<{ rows: { name: string | null }[] }>("SELECT pg_get_serial_sequence('samples', 'ord') AS name");
  const name = result.rows[0]?.name;
  // The name comes from the catalogue; the check keeps it from ever reaching the SQL text otherwise.
  if (!name || !/^[A-Za-z0-9_."]+$/.test(name)) throw new Error(`Unexpected sequence name for samples.ord: ${String(name)}`);
  return name;
}
