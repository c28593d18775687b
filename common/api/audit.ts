import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

/** Everything the audit log records. */
export const AUDIT_ACTIONS = [
  'auth.sign-in',
  'auth.sign-in-failed',
  'auth.sign-out',
  'auth.sign-out-everywhere',
  'auth.sign-up',
  'auth.password-reset',
  'auth.orcid-linked',
  'session.revoke',
  'token.create',
  'token.revoke',
  'user.create',
  'user.update',
  'member.add',
  'member.role-change',
  'member.remove',
  'invitation.create',
  'invitation.revoke',
  'invitation.accept',
  'dataset.access-change',
  'dataset.export',
  'contributor.claim',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditQuery = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorId: uuid.optional().meta({ description: 'Only entries by this user.' }),
  targetId: z
    .string()
    .regex(/^[0-9a-f-]{36}$/, 'expected the UUID of a user, project, dataset, token or invitation')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});

export const auditEntry = z
  .object({
    id: z.number().int(),
    createdAt: isoDateTime,
    action: z.enum(AUDIT_ACTIONS),
    actorId: uuid.nullable(),
    actor: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    projectId: uuid.nullable(),
    details: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntry>;
