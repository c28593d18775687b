import type { Knex } from 'knex';

/**
 * Lets an import wait for review between analysis and load, and arrive over a resumable upload:
 * the proposed mapping and the worker's plan, the uploader's changes to it, the choice about
 * invalid rows, bytes received so far, a worker heartbeat for spotting stalled jobs, and the
 * stored CSV of invalid rows. The checksum and the format are unknown until the upload is
 * complete and analysed, so both may be null.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('imports', (table) => {
    table.jsonb('plan');
    table.jsonb('options').notNullable().defaultTo('{}');
    table.text('invalid_rows');
    table.bigInteger('bytes_received').notNullable().defaultTo(0);
    table.timestamp('heartbeat_at', { useTz: true });
    table.text('report_key');
    table.integer('revision').notNullable().defaultTo(0);
    table.text('upload_id');
    table.timestamp('load_requested_at', { useTz: true });
  });
  await knex.raw('UPDATE imports SET bytes_received = size_bytes');
  await knex.raw("UPDATE imports SET phase = 'indexing' WHERE phase = 'merging'");
  await knex.raw('ALTER TABLE imports ALTER COLUMN checksum_sha256 DROP NOT NULL');
  await knex.raw('ALTER TABLE imports ALTER COLUMN format DROP NOT NULL');
  await knex.raw('ALTER TABLE imports DROP CONSTRAINT imports_format_check');
  await knex.raw("ALTER TABLE imports ADD CONSTRAINT imports_format_check CHECK (format IN ('csv', 'geojson', 'xlsx', 'ods'))");
  await knex.raw('ALTER TABLE imports DROP CONSTRAINT imports_state_check');
  await knex.raw(
    "ALTER TABLE imports ADD CONSTRAINT imports_state_check CHECK (state IN ('uploading', 'queued', 'running', 'awaiting_review', 'completed', 'failed', 'cancelled'))",
  );
  await knex.raw("ALTER TABLE imports ADD CONSTRAINT imports_invalid_rows_check CHECK (invalid_rows IN ('reject', 'skip'))");
  await knex.raw('CREATE UNIQUE INDEX imports_upload_id ON imports (upload_id) WHERE upload_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS imports_upload_id');
  await knex.raw("DELETE FROM imports WHERE state IN ('uploading', 'awaiting_review') OR format IN ('xlsx', 'ods') OR format IS NULL OR checksum_sha256 IS NULL");
  await knex.raw('ALTER TABLE imports DROP CONSTRAINT imports_invalid_rows_check');
  await knex.raw('ALTER TABLE imports DROP CONSTRAINT imports_state_check');
  await knex.raw("ALTER TABLE imports ADD CONSTRAINT imports_state_check CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled'))");
  await knex.raw('ALTER TABLE imports DROP CONSTRAINT imports_format_check');
  await knex.raw("ALTER TABLE imports ADD CONSTRAINT imports_format_check CHECK (format IN ('csv', 'geojson'))");
  await knex.raw('ALTER TABLE imports ALTER COLUMN format SET NOT NULL');
  await knex.raw('ALTER TABLE imports ALTER COLUMN checksum_sha256 SET NOT NULL');
  await knex.raw("UPDATE imports SET phase = 'done' WHERE phase NOT IN ('queued', 'analysing', 'loading', 'done')");
  await knex.schema.alterTable('imports', (table) => {
    for (const column of ['plan', 'options', 'invalid_rows', 'bytes_received', 'heartbeat_at', 'report_key', 'revision', 'upload_id', 'load_requested_at']) {
      table.dropColumn(column);
    }
  });
}
