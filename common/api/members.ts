import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';
import { PROJECT_ROLES } from './projects.js';

export const projectMember = z
  .object({
    userId: uuid,
    displayName: z.string(),
    email: z.email(),
    role: z.enum(PROJECT_ROLES),
    createdAt: isoDateTime,
  })
  .meta({ id: 'ProjectMember' });
export type ProjectMemberDto = z.infer<typeof projectMember>;

export const projectMemberPut = z.object({ role: z.enum(PROJECT_ROLES) }).meta({ id: 'ProjectMemberPut' });
