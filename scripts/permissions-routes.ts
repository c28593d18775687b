import type { DocumentedRoute } from '../server/auth/permissions-doc.js';
import { loadConfig } from '../server/config/load-config.js';
import type { AppContext } from '../server/context.js';
import { apiRoutes } from '../server/http/routes/index.js';
import { UploadStore } from '../server/storage/upload-store.js';

/**
 * Lists the API's routes without starting a server: route factories only keep the context for
 * their handlers, so a context with a configuration and an upload store is enough to build them.
 */
export function documentedRoutes(): DocumentedRoute[] {
  const context = { config: loadConfig({}), uploads: new UploadStore('var/uploads') } as unknown as AppContext;
  return apiRoutes(context).map((route) => ({ method: route.method, path: route.path, permission: route.permission }));
}
