import type { AppContext } from '../../context.js';
import type { Route } from '../route.js';
import { authRoutes } from './auth.js';
import { changeRoutes } from './changes.js';
import { datasetPublicationRoutes } from './dataset-publication.js';
import { datasetRoutes } from './datasets.js';
import { fieldRoutes } from './fields.js';
import { importRoutes } from './imports.js';
import { measurementRoutes } from './measurements.js';
import { noticeRoutes } from './notices.js';
import { notificationRoutes } from './notifications.js';
import { projectFollowRoutes } from './project-follows.js';
import { projectMemberRoutes } from './project-members.js';
import { projectRoutes } from './projects.js';
import { sampleRoutes } from './samples.js';
import { systemRoutes } from './system.js';

/** Every route of the REST API, in the order the OpenAPI document lists them. */
export function apiRoutes(context: AppContext): Route[] {
  return [
    ...systemRoutes(context),
    ...authRoutes(),
    ...projectRoutes(),
    ...datasetRoutes(),
    ...fieldRoutes(context),
    ...sampleRoutes(context),
    ...measurementRoutes(),
    ...importRoutes(context),
    ...changeRoutes(),
    ...projectMemberRoutes(context),
    ...projectFollowRoutes(context),
    ...datasetPublicationRoutes(context),
    ...noticeRoutes(context),
    ...notificationRoutes(context),
  ];
}
