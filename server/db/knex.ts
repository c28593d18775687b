import knexFactory, { type Knex } from 'knex';
import { knexSnakeCaseMappers, Model } from 'objection';
import pg from 'pg';
import type { Config } from '../config/env.js';
import { withDefaultUser } from './connection-url.js';

// PostgreSQL returns bigint (int8) as a string because it can exceed 2^53. Every bigint here is a
// count, a sequence number or a byte size, all far below that, so they are parsed as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Creates the knex instance for a process and binds the Objection models to it. */
export function createKnex(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX'>): Knex {
  const knex = knexFactory({
    client: 'pg',
    connection: withDefaultUser(config.DATABASE_URL),
    pool: { min: 0, max: config.DATABASE_POOL_MAX },
    ...knexSnakeCaseMappers(),
  });
  Model.knex(knex);
  return knex;
}
