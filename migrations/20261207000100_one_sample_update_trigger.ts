import type { Knex } from 'knex';

/**
 * Replaces the two statement-level update triggers on samples (counts and extent, collection
 * period) with one that first checks whether any row moved to another dataset or changed its
 * location or collection time, and returns at once when none did. Transition tables are visible
 * only inside the trigger's own function, so both bodies are written out in it.
 *
 * Most updates are live edits of values or names, one row at a time. Before, each of them ran two
 * trigger functions and five queries over the transition tables; an A/B run of 800 one-cell edits
 * on a 2-core machine gave a p50 of 1.10 to 1.31 ms with both triggers against 0.98 to 1.10 ms
 * with neither. The work after the check is the same as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER IF EXISTS samples_stats_update ON samples;
    DROP TRIGGER IF EXISTS samples_collected_update ON samples;

    CREATE FUNCTION fairport_samples_changed() RETURNS trigger AS $$
    DECLARE
      affected uuid;
    BEGIN
      IF NOT EXISTS (
        SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.dataset_id <> n.dataset_id
          OR o.location IS DISTINCT FROM n.location
          OR o.collected_at IS DISTINCT FROM n.collected_at
      ) THEN
        RETURN NULL;
      END IF;

      -- Rows that moved to another dataset are rare; recount both datasets in full.
      FOR affected IN
        SELECT o.dataset_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.dataset_id <> n.dataset_id
        UNION SELECT n.dataset_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.dataset_id <> n.dataset_id
      LOOP
        UPDATE datasets SET
          sample_count = (SELECT count(*) FROM samples WHERE dataset_id = affected),
          located_count = (SELECT count(location) FROM samples WHERE dataset_id = affected)
        WHERE id = affected;
        PERFORM fairport_refresh_dataset_extent(affected);
      END LOOP;

      UPDATE datasets d SET located_count = d.located_count + s.delta
      FROM (
        SELECT n.dataset_id, sum((n.location IS NOT NULL)::int - (o.location IS NOT NULL)::int) AS delta
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.dataset_id = n.dataset_id
        GROUP BY n.dataset_id
      ) s
      WHERE d.id = s.dataset_id AND s.delta <> 0;

      -- An extent only shrinks when a point on its boundary moves or goes away.
      FOR affected IN
        SELECT DISTINCT n.dataset_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        JOIN datasets d ON d.id = n.dataset_id
        WHERE o.dataset_id = n.dataset_id AND o.location IS DISTINCT FROM n.location
          AND (
            d.spatial_extent IS NULL
            OR (n.location IS NOT NULL AND NOT ST_Covers(d.spatial_extent, n.location))
            OR (o.location IS NOT NULL
              AND (ST_X(o.location) IN (ST_XMin(d.spatial_extent), ST_XMax(d.spatial_extent))
                OR ST_Y(o.location) IN (ST_YMin(d.spatial_extent), ST_YMax(d.spatial_extent))))
          )
      LOOP
        PERFORM fairport_refresh_dataset_extent(affected);
      END LOOP;

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
  `);
  await knex.raw(`
    CREATE TRIGGER samples_changed AFTER UPDATE ON samples
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_changed();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER IF EXISTS samples_changed ON samples;
    DROP FUNCTION IF EXISTS fairport_samples_changed();
    CREATE TRIGGER samples_stats_update AFTER UPDATE ON samples
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_updated();
    CREATE TRIGGER samples_collected_update AFTER UPDATE ON samples
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_collected_changed();
  `);
}
