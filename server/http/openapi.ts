import { createDocument } from 'zod-openapi';
import type { Route } from './route.js';
import { openApiPaths } from './route.js';

/** Generates the OpenAPI 3.1 document from the same route definitions that validate requests. */
export function buildOpenApiDocument(routes: Route[], publicUrl: string) {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Fairport API',
      version: '1',
      description:
        'REST API of the Fairport research-data portal. Errors are application/problem+json with a `code` ' +
        'from a closed set; listings are cursor-paginated (`limit`, `cursor`, `nextCursor`).',
      license: { name: 'See the repository license' },
    },
    servers: [{ url: new URL('/api/v1', publicUrl).toString() }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'fairport.sid', description: 'Set by POST /auth/sign-in.' },
      },
    },
    security: [{ session: [] }, {}],
    paths: openApiPaths(routes),
  });
}
