import { z } from 'zod';
import { isoDateTime, keywords, uuid } from './common.js';

export const PROJECT_STATUSES = ['planned', 'active', 'completed', 'archived'] as const;
export const PROJECT_ROLES = ['owner', 'manager', 'editor', 'viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export const funding = z
  .object({
    funderName: z.string().trim().min(1).max(300),
    funderIdentifier: z.string().trim().max(300).optional().meta({
      description: 'Funder identifier, for example a ROR or Crossref Funder ID URL.',
    }),
    awardNumber: z.string().trim().max(200).optional(),
    awardTitle: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'Funding' });

const projectFields = {
  title: z.string().trim().min(1).max(300),
  description: z.string().max(20_000),
  status: z.enum(PROJECT_STATUSES),
  keywords,
  funding: z.array(funding).max(50),
};

export const projectCreate = z
  .object({
    title: projectFields.title,
    description: projectFields.description.default(''),
    status: projectFields.status.default('active'),
    keywords: projectFields.keywords.default([]),
    funding: projectFields.funding.default([]),
  })
  .meta({ id: 'ProjectCreate' });
export type ProjectCreate = z.input<typeof projectCreate>;

export const projectUpdate = z.object(projectFields).partial().meta({ id: 'ProjectUpdate' });
export type ProjectUpdate = z.infer<typeof projectUpdate>;

export const project = z
  .object({
    id: uuid,
    ...projectFields,
    datasetCount: z.number().int(),
    createdBy: uuid.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof project>;
