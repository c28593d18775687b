import { clientConfig, health } from '../../../common/api/system.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../http-error.js';
import { defineRoute, type Route } from '../route.js';

/** Health and the public settings the client needs. */
export function systemRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Check that the server reaches PostgreSQL and Redis',
      tags: ['system'],
      permission: 'system.read',
      success: { status: 200, description: 'Both answer', schema: health },
      errors: ['unavailable'],
      async handler() {
        try {
          await context.knex.raw('SELECT 1');
          await context.redis.ping();
        } catch {
          throw new HttpError('unavailable', 'PostgreSQL or Redis does not answer; see the server log.');
        }
        return { status: 'ok', database: 'ok', redis: 'ok' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/config',
      operationId: 'getClientConfig',
      summary: 'Settings the web client needs',
      tags: ['system'],
      permission: 'system.read',
      success: { status: 200, description: 'Client settings', schema: clientConfig },
      errors: [],
      async handler() {
        return {
          mapTileUrl: context.config.MAP_TILE_URL || null,
          mapTileAttribution: context.config.MAP_TILE_ATTRIBUTION,
          uploadMaxBytes: context.config.UPLOAD_MAX_BYTES,
          orcidSignIn: context.orcid !== null,
          signUpEnabled: context.config.SIGN_UP_ENABLED,
        };
      },
    }),
  ];
}
