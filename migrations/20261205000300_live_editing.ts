import type { Knex } from 'knex';

/**
 * Storage for live co-editing:
 *
 * - `samples.seq` and `samples.cell_seqs`: the seq of the last change to a row and to each of its
 *   cells (keyed `p:<property>` or `f:<field key>`), so a conflict check reads only the cells an
 *   edit touches instead of scanning the change log. `dataset_fields.seq` does the same for
 *   schema changes. Rows and fields written before this migration start at 0, "unchanged".
 * - `dataset_changes.kind` and `reverts_seq`: undo and redo are changes of their own that name the
 *   change they reverse. `restore` keeps what undoing a bulk operation needs (a removed field's
 *   values, a deleted row's measurements) and is never broadcast. `rejected` keeps the conflicts
 *   of a partly applied edit, so a retry of its mutation id is answered as the first attempt was.
 *   `client_id` names the browser tab that sent an edit: a tab's edit never conflicts with the
 *   tab's own earlier edits, which it has already applied locally.
 * - `cell_history`: one row per changed cell, row or field and change, written in the change's
 *   transaction, so the history of one cell is an index lookup. Imports write none: a cell's
 *   first value comes from the import that created its row.
 * - `undo_stacks`: each user's undo and redo stacks of seqs per dataset.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('samples', (table) => {
    table.bigInteger('seq').notNullable().defaultTo(0);
    table.jsonb('cell_seqs').notNullable().defaultTo('{}');
  });
  await knex.schema.alterTable('dataset_fields', (table) => {
    table.bigInteger('seq').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('dataset_changes', (table) => {
    table.text('kind').notNullable().defaultTo('edit');
    table.bigInteger('reverts_seq');
    table.jsonb('restore');
    table.jsonb('rejected');
    table.text('client_id');
    table.check("kind IN ('edit', 'undo', 'redo')", [], 'dataset_changes_kind_check');
  });

  await knex.schema.createTable('cell_history', (table) => {
    table.uuid('dataset_id').notNullable();
    // A sample's id for a cell or a row, a field's id for a field's existence.
    table.uuid('target_id').notNullable();
    // `p:<property>`, `f:<field key>`, `row` (inserted or deleted) or `field` (added or removed).
    table.text('cell').notNullable();
    table.bigInteger('seq').notNullable();
    table.jsonb('old_value');
    table.jsonb('new_value');
    table.primary(['dataset_id', 'target_id', 'cell', 'seq']);
    table
      .foreign(['dataset_id', 'seq'], 'cell_history_change_foreign')
      .references(['dataset_id', 'seq'])
      .inTable('dataset_changes')
      .onDelete('CASCADE');
  });
  await knex.raw('CREATE INDEX cell_history_change ON cell_history (dataset_id, seq)');

  await knex.schema.createTable('undo_stacks', (table) => {
    table.uuid('dataset_id').notNullable().references('datasets.id').onDelete('CASCADE');
    table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.specificType('undo', 'bigint[]').notNullable().defaultTo('{}');
    table.specificType('redo', 'bigint[]').notNullable().defaultTo('{}');
    table.primary(['dataset_id', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('undo_stacks');
  await knex.schema.dropTableIfExists('cell_history');
  await knex.schema.alterTable('dataset_changes', (table) => {
    table.dropChecks(['dataset_changes_kind_check']);
    table.dropColumns('kind', 'reverts_seq', 'restore', 'rejected', 'client_id');
  });
  await knex.schema.alterTable('dataset_fields', (table) => table.dropColumn('seq'));
  await knex.schema.alterTable('samples', (table) => table.dropColumns('seq', 'cell_seqs'));
}
