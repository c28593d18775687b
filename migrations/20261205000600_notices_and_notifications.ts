import type { Knex } from 'knex';

/**
 * Admin notices with their audience, schedule and per-user dismissals; in-app notifications with
 * each user's email preferences; and project follows, which decide who hears of a publication.
 */
export async function up(knex: Knex): Promise<void> {
  await createNotices(knex);
  await createNotifications(knex);

  await knex.schema.createTable('project_follows', (table) => {
    table.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['project_id', 'user_id']);
  });
  await knex.raw('CREATE INDEX project_follows_user ON project_follows (user_id)');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['project_follows', 'notification_preferences', 'notifications', 'notice_dismissals', 'notices']) {
    await knex.schema.dropTableIfExists(table);
  }
}

async function createNotices(knex: Knex): Promise<void> {
  await knex.schema.createTable('notices', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.text('level').notNullable();
    table.text('title').notNullable();
    table.text('body_markdown').notNullable().defaultTo('');
    // Rendered and sanitised when the notice is written, so every read serves the same safe HTML.
    table.text('body_html').notNullable().defaultTo('');
    table.text('audience_type').notNullable();
    table.uuid('audience_project_id').references('projects.id').onDelete('CASCADE');
    table.text('audience_role');
    table.timestamp('starts_at', { useTz: true }).notNullable();
    table.timestamp('ends_at', { useTz: true });
    table.boolean('dismissible').notNullable().defaultTo(true);
    table.boolean('read_only').notNullable().defaultTo(false);
    table.timestamp('read_only_from', { useTz: true });
    table.integer('version').notNullable().defaultTo(1);
    table.uuid('created_by').references('users.id').onDelete('SET NULL');
    table.uuid('updated_by').references('users.id').onDelete('SET NULL');
    table.timestamp('withdrawn_at', { useTz: true });
    table.uuid('withdrawn_by').references('users.id').onDelete('SET NULL');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());

    table.check("level IN ('info', 'warning', 'critical', 'maintenance')", [], 'notices_level_check');
    table.check(
      `(audience_type = 'everyone' AND audience_project_id IS NULL AND audience_role IS NULL)
       OR (audience_type = 'project' AND audience_project_id IS NOT NULL AND audience_role IS NULL)
       OR (audience_type = 'role' AND audience_project_id IS NULL AND audience_role IN ('admin', 'curator', 'member'))`,
      [],
      'notices_audience_check',
    );
    table.check('ends_at IS NULL OR ends_at > starts_at', [], 'notices_schedule_check');
    table.check(
      "NOT read_only OR (level = 'maintenance' AND read_only_from IS NOT NULL AND read_only_from >= starts_at AND (ends_at IS NULL OR read_only_from < ends_at))",
      [],
      'notices_read_only_check',
    );
  });
  await knex.raw('CREATE INDEX notices_starts_at ON notices (starts_at DESC, id)');
  // Every write request looks for an active read-only window, so that lookup reads only these rows.
  await knex.raw('CREATE INDEX notices_read_only ON notices (read_only_from) WHERE read_only AND withdrawn_at IS NULL');

  await knex.schema.createTable('notice_dismissals', (table) => {
    table.uuid('notice_id').notNullable().references('notices.id').onDelete('CASCADE');
    table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.timestamp('dismissed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['user_id', 'notice_id']);
  });
}

async function createNotifications(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.text('kind').notNullable();
    table.text('title').notNullable();
    table.text('body').notNullable().defaultTo('');
    table.text('link');
    table.jsonb('data').notNullable().defaultTo('{}');
    table.timestamp('read_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.check(
      "kind IN ('import.completed', 'import.failed', 'membership.added', 'membership.changed', 'membership.removed', 'dataset.published')",
      [],
      'notifications_kind_check',
    );
  });
  await knex.raw('CREATE INDEX notifications_user_created ON notifications (user_id, created_at DESC, id DESC)');
  await knex.raw('CREATE INDEX notifications_user_unread ON notifications (user_id) WHERE read_at IS NULL');

  await knex.schema.createTable('notification_preferences', (table) => {
    table.uuid('user_id').primary().references('users.id').onDelete('CASCADE');
    table.boolean('email_imports').notNullable().defaultTo(true);
    table.boolean('email_membership').notNullable().defaultTo(true);
    table.boolean('email_publications').notNullable().defaultTo(true);
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}
