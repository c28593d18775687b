import type { AppContext } from '../../context.js';
import type { Route } from '../route.js';
import { accountRoutes } from './account.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { changeRoutes } from './changes.js';
import { contributorRoutes } from './contributors.js';
import { datasetPublicationRoutes } from './dataset-publication.js';
import { datasetRoutes } from './datasets.js';
import { fieldRoutes } from './fields.js';
import { importRoutes } from './imports.js';
import { liveEditingRoutes } from './live-editing.js';
import { measurementRoutes } from './measurements.js';
import { memberRoutes } from './members.js';
import { noticeRoutes } from './notices.js';
import { notificationRoutes } from './notifications.js';
import { projectFollowRoutes } from './project-follows.js';
import { projectRoutes } from './projects.js';
import { sampleRoutes } from './samples.js';
import { systemRoutes } from './system.js';
import { userRoutes } from './users.js';

/** Every route of the REST API, in the order the OpenAPI document lists them. */
export function apiRoutes(context: AppContext): Route[] {
  return [
    ...systemRoutes(context),
    ...authRoutes(context),
    ...accountRoutes(context),
    ...userRoutes(context),
    ...auditRoutes(),
    ...projectRoutes(),
    ...memberRoutes(context),
    ...datasetRoutes(context),
    ...contributorRoutes(),
    ...fieldRoutes(context),
    ...sampleRoutes(context),
    ...measurementRoutes(),
    ...importRoutes(context),
    ...changeRoutes(),
    ...projectFollowRoutes(context),
    ...datasetPublicationRoutes(context),
    ...noticeRoutes(context),
    ...notificationRoutes(context),
    ...liveEditingRoutes(),
  ];
}
