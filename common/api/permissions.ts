import { z } from 'zod';
import { PROJECT_ROLES } from './projects.js';

/**
 * The actions the permission table of the server decides on. REST routes and Socket.IO events
 * each name one; `GET /projects/{id}/permissions` and `GET /datasets/{id}/permissions` list the
 * ones the caller may take, so the client shows only the controls that will work.
 */
export const ACTIONS = [
  'system.read',
  'auth.public',
  'account.read',
  'account.manage',
  'users.read',
  'users.manage',
  'audit.read',
  'projects.list',
  'project.create',
  'project.read',
  'project.update',
  'project.members.read',
  'project.members.manage',
  'project.follow',
  'project.datasets.create',
  'dataset.read-metadata',
  'dataset.read-data',
  'dataset.edit-data',
  'dataset.update',
  'dataset.publish',
  'contributor.claim',
  'notices.read',
  'notices.dismiss',
  'notices.list',
  'notices.manage',
  'notifications.read',
  'notifications.manage',
  'rooms.leave',
] as const;
export type Action = (typeof ACTIONS)[number];

export const permissionSummary = z
  .object({
    role: z.enum(PROJECT_ROLES).nullable().meta({ description: "The caller's role in the project, or null." }),
    actions: z.array(z.enum(ACTIONS)).meta({ description: 'The actions the caller may take on this project or dataset.' }),
  })
  .meta({ id: 'PermissionSummary' });
export type PermissionSummary = z.infer<typeof permissionSummary>;
