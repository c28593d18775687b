import type { Knex } from 'knex';

/**
 * Replaces the row-level foreign key from samples to datasets with checks made once per
 * statement. The foreign key ran a lookup per inserted row, which cost about 2.8 s of an
 * 8.9 s insert of one million samples (measured with PostgreSQL 15 on a 2-core machine).
 *
 * The statement-level insert trigger already updates each affected dataset's counts; it now also
 * raises foreign_key_violation when a dataset it should update does not exist. The UPDATE locks
 * the dataset rows until commit, so a concurrent delete of the dataset waits, as it would for the
 * foreign key. Deleting a dataset deletes its samples through a statement-level trigger.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE samples DROP CONSTRAINT samples_dataset_id_foreign');
  await knex.raw(`
    CREATE OR REPLACE FUNCTION fairport_samples_inserted() RETURNS trigger AS $$
    DECLARE
      expected integer;
      updated integer;
    BEGIN
      SELECT count(DISTINCT dataset_id) INTO expected FROM inserted_rows;

      UPDATE datasets d SET
        sample_count = d.sample_count + s.total,
        located_count = d.located_count + s.located,
        spatial_extent = CASE
          WHEN s.box IS NULL THEN d.spatial_extent
          WHEN d.spatial_extent IS NULL THEN fairport_envelope(s.box)
          ELSE (SELECT fairport_envelope(ST_Extent(g)) FROM (VALUES (d.spatial_extent), (fairport_envelope(s.box))) AS v(g))
        END
      FROM (
        SELECT dataset_id, count(*) AS total, count(location) AS located, ST_Extent(location) AS box
        FROM inserted_rows GROUP BY dataset_id
      ) s
      WHERE d.id = s.dataset_id;
      GET DIAGNOSTICS updated = ROW_COUNT;

      IF updated <> expected THEN
        RAISE EXCEPTION 'insert or update on table "samples" names a dataset that does not exist'
          USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'samples_dataset_id_foreign', TABLE = 'samples';
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;

    CREATE FUNCTION fairport_samples_moved_check() RETURNS trigger AS $$
    BEGIN
      PERFORM 1 FROM datasets WHERE id = NEW.dataset_id FOR KEY SHARE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'insert or update on table "samples" names a dataset that does not exist'
          USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'samples_dataset_id_foreign', TABLE = 'samples';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;

    -- Moving a sample to another dataset is rare, so a row-level check costs nothing that matters.
    CREATE TRIGGER samples_dataset_check_update BEFORE UPDATE OF dataset_id ON samples
      FOR EACH ROW WHEN (OLD.dataset_id IS DISTINCT FROM NEW.dataset_id)
      EXECUTE FUNCTION fairport_samples_moved_check();

    CREATE FUNCTION fairport_datasets_deleted() RETURNS trigger AS $$
    BEGIN
      DELETE FROM samples WHERE dataset_id IN (SELECT id FROM deleted_datasets);
      RETURN NULL;
    END $$ LANGUAGE plpgsql;

    CREATE TRIGGER datasets_delete_samples AFTER DELETE ON datasets
      REFERENCING OLD TABLE AS deleted_datasets
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_datasets_deleted();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER IF EXISTS datasets_delete_samples ON datasets;
    DROP FUNCTION IF EXISTS fairport_datasets_deleted();
    DROP TRIGGER IF EXISTS samples_dataset_check_update ON samples;
    DROP FUNCTION IF EXISTS fairport_samples_moved_check();

    CREATE OR REPLACE FUNCTION fairport_samples_inserted() RETURNS trigger AS $$
    BEGIN
      UPDATE datasets d SET
        sample_count = d.sample_count + s.total,
        located_count = d.located_count + s.located,
        spatial_extent = CASE
          WHEN s.box IS NULL THEN d.spatial_extent
          WHEN d.spatial_extent IS NULL THEN fairport_envelope(s.box)
          ELSE (SELECT fairport_envelope(ST_Extent(g)) FROM (VALUES (d.spatial_extent), (fairport_envelope(s.box))) AS v(g))
        END
      FROM (
        SELECT dataset_id, count(*) AS total, count(location) AS located, ST_Extent(location) AS box
        FROM inserted_rows GROUP BY dataset_id
      ) s
      WHERE d.id = s.dataset_id;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
  `);
  await knex.raw('DELETE FROM samples WHERE dataset_id NOT IN (SELECT id FROM datasets)');
  await knex.raw(
    'ALTER TABLE samples ADD CONSTRAINT samples_dataset_id_foreign FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE CASCADE',
  );
}
