import type { Knex } from 'knex';

/**
 * The portal's core schema: accounts, projects and members, datasets with typed fields, samples
 * with PostGIS locations, measurements, the per-dataset change log and imports.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS postgis');

  await createUsers(knex);
  await createProjects(knex);
  await createDatasets(knex);
  await createDatasetFields(knex);
  await createSamples(knex);
  await createMeasurements(knex);
  await createDatasetChanges(knex);
  await createImports(knex);
  await createDatasetStatisticsTriggers(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS samples_stats_insert ON samples');
  await knex.raw('DROP TRIGGER IF EXISTS samples_stats_update ON samples');
  await knex.raw('DROP TRIGGER IF EXISTS samples_stats_delete ON samples');
  await knex.raw('DROP FUNCTION IF EXISTS fairport_samples_inserted()');
  await knex.raw('DROP FUNCTION IF EXISTS fairport_samples_updated()');
  await knex.raw('DROP FUNCTION IF EXISTS fairport_samples_deleted()');
  await knex.raw('DROP FUNCTION IF EXISTS fairport_refresh_dataset_extent(uuid)');
  await knex.raw('DROP FUNCTION IF EXISTS fairport_envelope(box2d)');

  for (const table of [
    'imports',
    'dataset_changes',
    'measurements',
    'samples',
    'dataset_fields',
    'datasets',
    'project_members',
    'projects',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  // The postgis extension stays: other databases objects may depend on it, and dropping it is a
  // decision for the database's administrator.
}

function timestamps(knex: Knex, table: Knex.CreateTableBuilder): void {
  table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
}

async function createUsers(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.text('email').notNullable();
    table.text('display_name').notNullable();
    table.text('orcid');
    table.text('password_hash');
    table.text('role').notNullable().defaultTo('member');
    timestamps(knex, table);
    table.check("role IN ('admin', 'curator', 'member')", [], 'users_role_check');
    table.check("orcid ~ '^\\d{4}-\\d{4}-\\d{4}-\\d{3}[\\dX]$'", [], 'users_orcid_check');
  });
  await knex.raw('CREATE UNIQUE INDEX users_email_unique ON users (lower(email))');
  await knex.raw('CREATE UNIQUE INDEX users_orcid_unique ON users (orcid) WHERE orcid IS NOT NULL');
}

async function createProjects(knex: Knex): Promise<void> {
  await knex.schema.createTable('projects', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.text('title').notNullable();
    table.text('description').notNullable().defaultTo('');
    table.text('status').notNullable().defaultTo('active');
    table.specificType('keywords', 'text[]').notNullable().defaultTo('{}');
    table.jsonb('funding').notNullable().defaultTo('[]');
    table.uuid('created_by').references('users.id').onDelete('SET NULL');
    timestamps(knex, table);
    table.check("status IN ('planned', 'active', 'completed', 'archived')", [], 'projects_status_check');
  });
  await knex.raw('CREATE INDEX projects_created_at_id ON projects (created_at, id)');

  await knex.schema.createTable('project_members', (table) => {
    table.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.text('role').notNullable();
    timestamps(knex, table);
    table.primary(['project_id', 'user_id']);
    table.check("role IN ('owner', 'manager', 'editor', 'viewer')", [], 'project_members_role_check');
  });
  await knex.raw('CREATE INDEX project_members_user ON project_members (user_id)');
}

async function createDatasets(knex: Knex): Promise<void> {
  await knex.schema.createTable('datasets', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    table.text('title').notNullable();
    table.text('abstract').notNullable().defaultTo('');
    table.text('license');
    table.text('rights').notNullable().defaultTo('');
    table.specificType('keywords', 'text[]').notNullable().defaultTo('{}');
    table.timestamp('temporal_start', { useTz: true });
    table.timestamp('temporal_end', { useTz: true });
    table.specificType('spatial_extent', 'geometry(Polygon, 4326)');
    table.text('visibility').notNullable().defaultTo('private');
    table.text('state').notNullable().defaultTo('draft');
    table.text('version').notNullable().defaultTo('1');
    table.text('doi');
    table.text('source_name').notNullable().defaultTo('');
    table.text('source_url');
    table.bigInteger('seq').notNullable().defaultTo(0);
    table.bigInteger('sample_count').notNullable().defaultTo(0);
    table.bigInteger('located_count').notNullable().defaultTo(0);
    table.uuid('created_by').references('users.id').onDelete('SET NULL');
    timestamps(knex, table);
    table.check("visibility IN ('private', 'internal', 'public')", [], 'datasets_visibility_check');
    table.check("state IN ('draft', 'published')", [], 'datasets_state_check');
    table.check('temporal_start IS NULL OR temporal_end IS NULL OR temporal_start <= temporal_end', [], 'datasets_temporal_check');
  });
  await knex.raw('CREATE INDEX datasets_project_created ON datasets (project_id, created_at, id)');
  await knex.raw('CREATE INDEX datasets_created_at_id ON datasets (created_at, id)');
  await knex.raw('CREATE INDEX datasets_spatial_extent ON datasets USING gist (spatial_extent)');
  await knex.raw('CREATE UNIQUE INDEX datasets_doi_unique ON datasets (lower(doi)) WHERE doi IS NOT NULL');
}

async function createDatasetFields(knex: Knex): Promise<void> {
  await knex.schema.createTable('dataset_fields', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('dataset_id').notNullable().references('datasets.id').onDelete('CASCADE');
    table.text('key').notNullable();
    table.text('label').notNullable();
    table.text('type').notNullable();
    table.text('unit');
    table.text('description').notNullable().defaultTo('');
    table.text('term_iri');
    table.text('vocabulary_iri');
    table.boolean('required').notNullable().defaultTo(false);
    table.integer('position').notNullable();
    timestamps(knex, table);
    table.unique(['dataset_id', 'key']);
    table.check(
      "type IN ('text', 'number', 'integer', 'date', 'datetime', 'boolean', 'term', 'geometry')",
      [],
      'dataset_fields_type_check',
    );
    table.check("key ~ '^[a-z][a-z0-9_]{0,62}$'", [], 'dataset_fields_key_check');
  });
}

async function createSamples(knex: Knex): Promise<void> {
  await knex.schema.createTable('samples', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('dataset_id').notNullable().references('datasets.id').onDelete('CASCADE');
    // Row order within the dataset, as in the file it came from; also the pagination key.
    table.specificType('ord', 'bigint GENERATED BY DEFAULT AS IDENTITY').notNullable();
    table.text('name').notNullable().defaultTo('');
    table.text('igsn');
    table.uuid('parent_id').references('samples.id').onDelete('SET NULL');
    table.text('material');
    table.specificType('location', 'geometry(Point, 4326)');
    table.text('location_text');
    table.double('elevation');
    table.timestamp('collected_at', { useTz: true });
    table.text('collected_at_precision');
    table.jsonb('values').notNullable().defaultTo('{}');
    table.integer('version').notNullable().defaultTo(1);
    table.uuid('import_id');
    timestamps(knex, table);
    table.check(
      "collected_at_precision IN ('year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond')",
      [],
      'samples_collected_at_precision_check',
    );
  });
  await knex.raw('CREATE INDEX samples_dataset_ord ON samples (dataset_id, ord)');
  await knex.raw('CREATE INDEX samples_location ON samples USING gist (location)');
  await knex.raw('CREATE UNIQUE INDEX samples_igsn_unique ON samples (upper(igsn)) WHERE igsn IS NOT NULL');
  await knex.raw('CREATE INDEX samples_parent ON samples (parent_id) WHERE parent_id IS NOT NULL');
}

async function createMeasurements(knex: Knex): Promise<void> {
  await knex.schema.createTable('measurements', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('sample_id').notNullable().references('samples.id').onDelete('CASCADE');
    table.uuid('field_id').notNullable().references('dataset_fields.id').onDelete('CASCADE');
    table.double('value_number');
    table.text('value_text');
    table.text('unit');
    table.text('qualifier');
    table.double('detection_limit');
    table.double('uncertainty');
    table.text('method');
    table.text('instrument');
    table.timestamp('measured_at', { useTz: true });
    table.uuid('import_id');
    timestamps(knex, table);
    table.check("qualifier IN ('<', '>', 'bdl')", [], 'measurements_qualifier_check');
    table.check('uncertainty IS NULL OR uncertainty >= 0', [], 'measurements_uncertainty_check');
  });
  await knex.raw('CREATE INDEX measurements_sample_field ON measurements (sample_id, field_id)');
  await knex.raw('CREATE INDEX measurements_field ON measurements (field_id)');
}

async function createDatasetChanges(knex: Knex): Promise<void> {
  await knex.schema.createTable('dataset_changes', (table) => {
    table.uuid('dataset_id').notNullable().references('datasets.id').onDelete('CASCADE');
    table.bigInteger('seq').notNullable();
    table.uuid('author_user_id').references('users.id').onDelete('SET NULL');
    table.uuid('import_id');
    table.text('mutation_id');
    table.jsonb('ops').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['dataset_id', 'seq']);
  });
  await knex.raw(
    'CREATE UNIQUE INDEX dataset_changes_mutation ON dataset_changes (dataset_id, mutation_id) WHERE mutation_id IS NOT NULL',
  );
}

async function createImports(knex: Knex): Promise<void> {
  await knex.schema.createTable('imports', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('dataset_id').notNullable().references('datasets.id').onDelete('CASCADE');
    table.uuid('user_id').references('users.id').onDelete('SET NULL');
    table.text('original_name').notNullable();
    table.text('storage_key').notNullable();
    table.bigInteger('size_bytes').notNullable();
    table.text('checksum_sha256').notNullable();
    table.text('format').notNullable();
    table.jsonb('mapping');
    table.text('state').notNullable().defaultTo('queued');
    table.text('phase').notNullable().defaultTo('queued');
    table.bigInteger('rows_done').notNullable().defaultTo(0);
    table.bigInteger('rows_total');
    table.jsonb('counts').notNullable().defaultTo('{}');
    table.jsonb('issues').notNullable().defaultTo('[]');
    table.integer('issue_count').notNullable().defaultTo(0);
    table.text('error');
    table.bigInteger('change_seq');
    table.timestamp('started_at', { useTz: true });
    table.timestamp('finished_at', { useTz: true });
    timestamps(knex, table);
    table.check("format IN ('csv', 'geojson')", [], 'imports_format_check');
    table.check(
      "state IN ('queued', 'running', 'completed', 'failed', 'cancelled')",
      [],
      'imports_state_check',
    );
  });
  await knex.raw('CREATE INDEX imports_dataset_created ON imports (dataset_id, created_at DESC)');
}

/**
 * Keeps datasets.sample_count, located_count and spatial_extent up to date with statement-level
 * triggers, so a bulk load of a million rows updates each dataset once rather than once per row.
 * An extent only shrinks when a point on its boundary moves or goes away, so only then does the
 * dataset's extent get recomputed from all its samples.
 */
async function createDatasetStatisticsTriggers(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION fairport_envelope(box box2d) RETURNS geometry AS $$
      SELECT CASE WHEN box IS NULL THEN NULL
        ELSE ST_MakeEnvelope(ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box), 4326) END
    $$ LANGUAGE sql IMMUTABLE;

    CREATE FUNCTION fairport_refresh_dataset_extent(target uuid) RETURNS void AS $$
      UPDATE datasets SET spatial_extent =
        (SELECT fairport_envelope(ST_Extent(location)) FROM samples WHERE dataset_id = target)
      WHERE id = target;
    $$ LANGUAGE sql;

    CREATE FUNCTION fairport_samples_inserted() RETURNS trigger AS $$
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

    CREATE FUNCTION fairport_samples_deleted() RETURNS trigger AS $$
    DECLARE
      affected uuid;
    BEGIN
      UPDATE datasets d SET
        sample_count = d.sample_count - s.total,
        located_count = d.located_count - s.located
      FROM (
        SELECT dataset_id, count(*) AS total, count(location) AS located
        FROM deleted_rows GROUP BY dataset_id
      ) s
      WHERE d.id = s.dataset_id;

      FOR affected IN
        SELECT DISTINCT o.dataset_id FROM deleted_rows o JOIN datasets d ON d.id = o.dataset_id
        WHERE o.location IS NOT NULL AND d.spatial_extent IS NOT NULL
          AND (ST_X(o.location) IN (ST_XMin(d.spatial_extent), ST_XMax(d.spatial_extent))
            OR ST_Y(o.location) IN (ST_YMin(d.spatial_extent), ST_YMax(d.spatial_extent)))
      LOOP
        PERFORM fairport_refresh_dataset_extent(affected);
      END LOOP;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;

    CREATE FUNCTION fairport_samples_updated() RETURNS trigger AS $$
    DECLARE
      affected uuid;
    BEGIN
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
      RETURN NULL;
    END $$ LANGUAGE plpgsql;

    CREATE TRIGGER samples_stats_insert AFTER INSERT ON samples
      REFERENCING NEW TABLE AS inserted_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_inserted();
    CREATE TRIGGER samples_stats_delete AFTER DELETE ON samples
      REFERENCING OLD TABLE AS deleted_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_deleted();
    CREATE TRIGGER samples_stats_update AFTER UPDATE ON samples
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION fairport_samples_updated();
  `);
}
