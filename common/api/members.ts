import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';
import { PROJECT_ROLES } from './projects.js';
import { orcid } from './users.js';

export const member = z
  .object({
    userId: uuid,
    displayName: z.string(),
    email: z.string().nullable().meta({ description: 'Shown only to those who may manage the members.' }),
    orcid: z.string().nullable(),
    role: z.enum(PROJECT_ROLES),
    since: isoDateTime,
  })
  .meta({ id: 'ProjectMember' });
export type Member = z.infer<typeof member>;

export const memberUpdate = z.object({ role: z.enum(PROJECT_ROLES) }).meta({ id: 'ProjectMemberUpdate' });

export const invitationCreate = z
  .object({
    email: z.email().max(320).optional(),
    orcid: orcid.optional(),
    role: z.enum(PROJECT_ROLES).default('viewer'),
  })
  .refine((value) => (value.email === undefined) !== (value.orcid === undefined), {
    message: 'give either an email address or an ORCID iD',
    path: ['email'],
  })
  .meta({ id: 'InvitationCreate' });
export type InvitationCreate = z.input<typeof invitationCreate>;

export const INVITATION_STATES = ['pending', 'accepted', 'revoked', 'expired'] as const;

export const invitation = z
  .object({
    id: uuid,
    projectId: uuid,
    projectTitle: z.string(),
    email: z.string().nullable(),
    orcid: z.string().nullable(),
    role: z.enum(PROJECT_ROLES),
    state: z.enum(INVITATION_STATES),
    invitedBy: z.string().nullable().meta({ description: 'Display name of the member who sent it.' }),
    expiresAt: isoDateTime,
    createdAt: isoDateTime,
  })
  .meta({ id: 'Invitation' });
export type Invitation = z.infer<typeof invitation>;
