import type { Knex } from 'knex';

/** Distance between the ords of rows added one after another; keep equal to ORD_STEP in server/domain/editing/row-order.ts. */
const ORD_STEP = 65_536;

/**
 * Spaces row ords ORD_STEP apart, so a row can be inserted between two others by taking an ord
 * between theirs without renumbering the rows after it. New rows (live inserts, REST creates and
 * the COPY of an import) take the identity's next value, which now steps by ORD_STEP, so a bulk
 * load costs the same as before.
 *
 * Existing ords are multiplied by ORD_STEP, keeping every row's order, and so are the ords the
 * change log stores with inserted and deleted rows, because undoing a delete puts the row back at
 * its stored ord. The identity restarts past the largest ord. With ords below 2^53 this leaves
 * room for about 1.4 × 10^11 rows before ords pass JavaScript's exact integers.
 *
 * NOTE: a browser that stays connected across the upgrade keeps the old ords of the rows it has
 * loaded and can place rows that others insert between rows wrongly until it reloads the page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('UPDATE samples SET ord = ord * ?', [ORD_STEP]);
  await knex.raw(
    `UPDATE dataset_changes SET ops = (
       SELECT jsonb_agg(
         CASE
           WHEN op->>'type' = 'sample.insert' AND jsonb_exists(op->'sample', 'ord')
             THEN jsonb_set(op, '{sample,ord}', to_jsonb((op->'sample'->>'ord')::bigint * ?))
           WHEN op->>'type' = 'sample.delete' AND jsonb_exists(op->'before', 'ord')
             THEN jsonb_set(op, '{before,ord}', to_jsonb((op->'before'->>'ord')::bigint * ?))
           ELSE op
         END ORDER BY position)
       FROM jsonb_array_elements(ops) WITH ORDINALITY AS element(op, position))
     WHERE ops @> '[{"type": "sample.insert"}]' OR ops @> '[{"type": "sample.delete"}]'`,
    [ORD_STEP, ORD_STEP],
  );
  await knex.raw(`ALTER TABLE samples ALTER COLUMN ord SET INCREMENT BY ${ORD_STEP}`);
  await knex.raw(`
    DO $$
    DECLARE
      sequence_name text := pg_get_serial_sequence('samples', 'ord');
      issued bigint;
    BEGIN
      EXECUTE format('SELECT last_value FROM %s', sequence_name) INTO issued;
      PERFORM setval(sequence_name, GREATEST(issued * ${ORD_STEP}, (SELECT coalesce(max(ord), 0) FROM samples), 1));
    END $$`);
}

/** Steps the identity by one again. Ords keep their values, which still give every row's order. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE samples ALTER COLUMN ord SET INCREMENT BY 1');
}
