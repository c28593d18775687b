import type { AppContext } from '../../context.js';
import type { Route } from '../route.js';
import { authRoutes } from './auth.js';
import { changeRoutes } from './changes.js';
import { datasetRoutes } from './datasets.js';
import { fieldRoutes } from './fields.js';
import { importRoutes } from './imports.js';
import { liveEditingRoutes } from './live-editing.js';
import { measurementRoutes } from './measurements.js';
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
    ...liveEditingRoutes(),
  ];
}
