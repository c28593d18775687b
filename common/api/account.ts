import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

export const TOKEN_SCOPES = ['read', 'write'] as const;

export const apiTokenCreate = z
  .object({
    name: z.string().trim().min(1).max(100).meta({ description: 'What the token is for, e.g. "nightly sync script".' }),
    scope: z.enum(TOKEN_SCOPES).default('read'),
    expiresInDays: z.number().int().min(1).max(3650).default(90).meta({ description: 'Lifetime in days; at most API_TOKEN_MAX_DAYS.' }),
  })
  .meta({ id: 'ApiTokenCreate' });
export type ApiTokenCreate = z.input<typeof apiTokenCreate>;

export const apiToken = z
  .object({
    id: uuid,
    name: z.string(),
    scope: z.enum(TOKEN_SCOPES),
    prefix: z.string().meta({ description: 'The first characters of the token, to tell tokens apart.' }),
    expiresAt: isoDateTime,
    lastUsedAt: isoDateTime.nullable().meta({ description: 'Updated at most once a minute.' }),
    revokedAt: isoDateTime.nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof apiToken>;

export const apiTokenCreated = apiToken
  .extend({ token: z.string().meta({ description: 'The secret; shown only in this response. Send it as `Authorization: Bearer <token>`.' }) })
  .meta({ id: 'ApiTokenCreated' });
export type ApiTokenCreated = z.infer<typeof apiTokenCreated>;

export const sessionInfo = z
  .object({
    id: z.string().meta({ description: 'An opaque handle of the session, not its cookie value.' }),
    current: z.boolean(),
    signedInAt: isoDateTime.nullable(),
    expiresAt: isoDateTime.nullable(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof sessionInfo>;
