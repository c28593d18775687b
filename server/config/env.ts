import { z } from 'zod';

/**
 * Development defaults for the two secrets. A production start with either of them is rejected,
 * because anyone who reads this file could then forge sessions or sign in as the admin.
 */
export const DEFAULT_SECRETS = {
  SESSION_SECRET: 'fairport-development-session-secret-do-not-use',
  ADMIN_PASSWORD: 'fairport-admin',
} as const;

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** The one schema every process (server, worker, scripts) validates its environment with. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  TRUST_PROXY: booleanString.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

  DATABASE_URL: z.string().min(1).default('postgres://127.0.0.1:5432/fairport'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_"')
    .default('fairport'),

  SESSION_SECRET: z.string().min(16).default(DEFAULT_SECRETS.SESSION_SECRET),
  SESSION_MAX_AGE_HOURS: z.coerce.number().positive().default(24 * 14),
  ADMIN_EMAIL: z.email().default('admin@example.org'),
  ADMIN_PASSWORD: z.string().min(8).default(DEFAULT_SECRETS.ADMIN_PASSWORD),
  ADMIN_NAME: z.string().min(1).default('Portal Admin'),

  UPLOAD_DIR: z.string().min(1).default('var/uploads'),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  UPLOAD_EXPIRY_HOURS: z.coerce.number().positive().default(24),
  JSON_BODY_MAX_BYTES: z.coerce.number().int().positive().default(1024 ** 2),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(1),
  IMPORT_ISSUES_MAX: z.coerce.number().int().min(1).default(1000),
  IMPORT_STALL_SECONDS: z.coerce.number().int().min(5).default(60),
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  EDIT_RATE_PER_SECOND: z.coerce.number().int().min(1).default(30),
  PRESENCE_TTL_MS: z.coerce.number().int().min(1000).default(10_000),

  SMTP_URL: z
    .string()
    .regex(/^(smtps?:\/\/.+)?$/, 'expected an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.org:587')
    .default(''),
  MAIL_FROM: z.string().min(3).default('Fairport <no-reply@fairport.invalid>'),

  SIGN_UP_ENABLED: booleanString.default(true),
  API_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  ORCID_ISSUER: z.url().default('https://orcid.org'),
  ORCID_CLIENT_ID: z.string().default(''),
  ORCID_CLIENT_SECRET: z.string().default(''),
  ORCID_REDIRECT_URL: z.union([z.url(), z.literal('')]).default(''),

  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  MAIL_RATE_LIMIT: z.coerce.number().int().min(1).default(5),
  API_RATE_LIMIT: z.coerce.number().int().min(1).default(1200),
  SOCKET_EVENT_RATE_LIMIT: z.coerce.number().int().min(1).default(600),

  MAP_TILE_URL: z.string().default(''),
  MAP_TILE_ATTRIBUTION: z.string().default(''),
  DEMO_DATA: booleanString.default(true),

  SENTRY_DSN: z.string().default(''),
  SENTRY_ENVIRONMENT: z.string().default(''),
});

/** Validated configuration of one process. */
export type Config = z.infer<typeof envSchema>;
