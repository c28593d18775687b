import type { Knex } from 'knex';

/**
 * Adds each dataset's collection period, the earliest and latest `collected_at` of its samples,
 * kept up to date by the statement-level sample triggers like the counts and the extent. The
 * portal shows it as the temporal coverage when the dataset's metadata gives none. A bound is
 * recomputed from all samples only when a sample at that bound changes or goes away.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE datasets ADD COLUMN collected_start timestamptz, ADD COLUMN collected_end timestamptz;

    UPDATE datasets d SET collected_start = r.first, collected_end = r.last
    FROM (SELECT dataset_id, min(collected_at) AS first, max(collected_at) AS last FROM samples GROUP BY dataset_id) r
    WHERE d.id = r.dataset_id;

    CREATE FUNCTION fairport_refresh_dataset_collected(target uuid) RETURNS void AS $$
      UPDATE datasets SET
        collected_start = (SELECT min(collected_at) FROM samples WHERE dataset_id = target),
        collected_end = (SELECT max(collected_at) FROM samples WHERE dataset_id = target)
      WHERE id = target;
    $$ LANGUAGE sql;

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
        END,
        collected_start = LEAST(d.collected_start, s.first),
        collected_end = GREATEST(d.collected_end, s.last)
      FROM (
        SELECT dataset_id, count(*) AS total, count(location) AS located, ST_Extent(location) AS box,
               min(collected_at) AS first, max(collected_at) AS last
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

    CREATE FUNCTION fairport_samples_collected_changed() RETURNS trigger AS $$
    DECLARE
      affected uuid;
    BEGIN
      -- Only datasets where a removed or changed time sat at a bound, or a new time lies outside
      -- the period, need a look at all their samples.
      FOR affected IN
        SELECT DISTINCT o.dataset_id FROM old_rows o JOIN datasets d ON d.id = o.dataset_id
        WHERE o.collected_at IS NOT NULL AND o.collected_at IN (d.collected_start, d.collected_end)
        UNION
        SELECT DISTINCT n.dataset_id FROM new_rows n JOIN datasets d ON d.id = n.dataset_id
        WHERE n.collected_at IS NOT NULL
          AND (d.collected_start IS NULL OR n.collected_at NOT BETWEEN d.collected_start AND d.collected_end)
      LOOP
        PERFORM fairport_refresh_dataset_collected(affected);
      END LOOP;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;

    CREATE FUNCTION fairport_samples_collected_deleted() RETURNS trigger AS $$
    DECLARE
      affected uuid;
    BEGIN
      FOR affected IN
        SELECT DISTINCT o.dataset_id FROM old_rows o JOIN datasets d ON d.id = o.dataset_id
        WHERE o.collected_at IS NOT NULL AND o.collected_at IN (d.collected_start, d.collected_end)
      LOOP
        PERFORM fairport_refresh_dataset_collected(affected);
      END LOOP;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;

    CREATE TRIGGER samples_collected_update AFTER UPDATE ON samples
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_collected_changed();
    CREATE TRIGGER samples_collected_delete AFTER DELETE ON samples
      REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_collected_deleted();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER IF EXISTS samples_collected_update ON samples;
    DROP TRIGGER IF EXISTS samples_collected_delete ON samples;
    DROP FUNCTION IF EXISTS fairport_samples_collected_changed();
    DROP FUNCTION IF EXISTS fairport_samples_collected_deleted();
    DROP FUNCTION IF EXISTS fairport_refresh_dataset_collected(uuid);

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

    ALTER TABLE datasets DROP COLUMN collected_start, DROP COLUMN collected_end;
  `);
}
