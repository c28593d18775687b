import type { Knex } from 'knex';

/**
 * Accounts and access control: verified email and ORCID iD on users, embargo dates on datasets,
 * personal API tokens, one-time tokens for sign-up and password reset, project invitations,
 * contributor records and the audit log.
 */
export async function up(knex: Knex): Promise<void> {
  await extendUsers(knex);
  await knex.schema.alterTable('datasets', (table) => {
    table.timestamp('embargo_until', { useTz: true });
  });
  // Drafts are now hidden outside their project. Datasets that people outside could see before
  // stay visible: they count as published.
  await knex('datasets').whereIn('visibility', ['public', 'internal']).where('state', 'draft').update({ state: 'published' });
  await createApiTokens(knex);
  await createAuthTokens(knex);
  await createProjectInvitations(knex);
  await createContributors(knex);
  await createAuditLog(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_log', 'contributors', 'project_invitations', 'auth_tokens', 'api_tokens']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('datasets', (table) => {
    table.dropColumn('embargo_until');
  });
  // Accounts made by ORCID sign-in have no email address; they cannot survive the old schema.
  await knex('users').whereNull('email').delete();
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('email_verified_at');
    table.dropColumn('orcid_verified_at');
  });
  await knex.raw('ALTER TABLE users ALTER COLUMN email SET NOT NULL');
}

async function extendUsers(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.timestamp('email_verified_at', { useTz: true });
    table.timestamp('orcid_verified_at', { useTz: true });
  });
  // An account made by ORCID sign-in starts without an email address.
  await knex.raw('ALTER TABLE users ALTER COLUMN email DROP NOT NULL');
  // Accounts that exist already were made by an admin, who vouched for the address.
  await knex.raw('UPDATE users SET email_verified_at = created_at WHERE email IS NOT NULL');
}

async function createApiTokens(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_tokens', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.text('name').notNullable();
    table.text('scope').notNullable();
    // SHA-256 of the token: the token is 256 random bits, so a fast hash is enough to make a
    // stolen table useless, and lookups stay a single index probe.
    table.text('token_hash').notNullable().unique();
    table.text('token_prefix').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('last_used_at', { useTz: true });
    table.timestamp('revoked_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.check("scope IN ('read', 'write')", [], 'api_tokens_scope_check');
  });
  await knex.raw('CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at DESC)');
}

async function createAuthTokens(knex: Knex): Promise<void> {
  await knex.schema.createTable('auth_tokens', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.text('purpose').notNullable();
    table.text('token_hash').notNullable().unique();
    table.uuid('user_id').references('users.id').onDelete('CASCADE');
    table.text('email').notNullable();
    table.jsonb('payload').notNullable().defaultTo('{}');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('used_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.check("purpose IN ('sign-up', 'password-reset')", [], 'auth_tokens_purpose_check');
  });
  await knex.raw('CREATE INDEX auth_tokens_expires ON auth_tokens (expires_at)');
}

async function createProjectInvitations(knex: Knex): Promise<void> {
  await knex.schema.createTable('project_invitations', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    table.text('email');
    table.text('orcid');
    table.text('role').notNullable();
    table.uuid('invited_by').references('users.id').onDelete('SET NULL');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('accepted_at', { useTz: true });
    table.uuid('accepted_by').references('users.id').onDelete('SET NULL');
    table.timestamp('revoked_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.check("role IN ('owner', 'manager', 'editor', 'viewer')", [], 'project_invitations_role_check');
    table.check('(email IS NULL) <> (orcid IS NULL)', [], 'project_invitations_one_address_check');
  });
  await knex.raw('CREATE INDEX project_invitations_project ON project_invitations (project_id, created_at)');
  await knex.raw('CREATE INDEX project_invitations_email ON project_invitations (lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL');
  await knex.raw('CREATE INDEX project_invitations_orcid ON project_invitations (orcid) WHERE accepted_at IS NULL AND revoked_at IS NULL');
}

async function createContributors(knex: Knex): Promise<void> {
  await knex.schema.createTable('contributors', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    // Null for a contributor credited on the project as a whole.
    table.uuid('dataset_id').references('datasets.id').onDelete('CASCADE');
    table.integer('position').notNullable();
    table.text('kind').notNullable();
    table.text('name').notNullable();
    table.text('given_name');
    table.text('family_name');
    table.text('orcid');
    table.text('ror_id');
    table.text('affiliation');
    table.text('affiliation_ror_id');
    table.specificType('roles', 'text[]').notNullable().defaultTo('{}');
    table.uuid('user_id').references('users.id').onDelete('SET NULL');
    table.timestamp('claimed_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.check("kind IN ('person', 'organization')", [], 'contributors_kind_check');
    table.check("kind = 'person' OR orcid IS NULL", [], 'contributors_orcid_person_check');
  });
  await knex.raw('CREATE INDEX contributors_parent ON contributors (project_id, dataset_id, position)');
  await knex.raw('CREATE INDEX contributors_orcid ON contributors (orcid) WHERE orcid IS NOT NULL AND user_id IS NULL');
}

async function createAuditLog(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (table) => {
    table.bigIncrements('id').primary();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.text('action').notNullable();
    table.uuid('actor_user_id').references('users.id').onDelete('SET NULL');
    table.text('actor_label').notNullable();
    table.text('target_type');
    table.text('target_id');
    table.uuid('project_id');
    table.jsonb('details').notNullable().defaultTo('{}');
    table.text('ip');
  });
  await knex.raw('CREATE INDEX audit_log_action ON audit_log (action, id DESC)');
  await knex.raw('CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id DESC)');
  await knex.raw('CREATE INDEX audit_log_target ON audit_log (target_id, id DESC)');
}
