import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config/env.js';
import type { AppContext } from '../context.js';
import { rejectCrossSiteWrites } from '../auth/csrf.js';
import { loadActor } from '../auth/request-actor.js';
import { redactUrl } from '../observability/redact.js';
import { moduleLogger } from '../observability/logger.js';
import { buildOpenApiDocument } from './openapi.js';
import { apiNotFound, problemHandler } from './problem.js';
import { apiRateLimit } from './rate-limit.js';
import { apiRoutes } from './routes/index.js';
import { createResumableUploads } from '../uploads/resumable-uploads.js';

const moduleDir = path.dirname(fileURLToPath(import.meta.url));

/** Directory of the built client, found both from the sources and from the compiled dist/ tree. */
export const CLIENT_DIST = path.resolve(moduleDir, moduleDir.includes(`${path.sep}dist${path.sep}`) ? '../../../client/dist' : '../../client/dist');

/** Builds the Express application: the REST API under /api/v1 and the built client. */
export function createApp(context: AppContext, sessionMiddleware: RequestHandler): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', context.config.TRUST_PROXY ? 1 : false);
  const https = new URL(context.config.PUBLIC_URL).protocol === 'https:';
  app.use(
    helmet({
      contentSecurityPolicy: { directives: contentSecurityPolicy(context.config) },
      // Strict-Transport-Security means nothing over plain HTTP, so it is sent only for https.
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  app.use(
    pinoHttp({
      logger: moduleLogger('http'),
      autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // One short line per request; headers would repeat the same policy on every line, and
      // carry the session cookie and tokens. Secret query values (OAuth codes) are redacted.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use('/api/v1', apiRouter(context, sessionMiddleware));
  app.use(clientRouter());
  app.use(problemHandler);
  return app;
}

function apiRouter(context: AppContext, sessionMiddleware: RequestHandler): express.Router {
  const router = express.Router();
  // API responses can contain private data and change at any time, so no cache may keep them.
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Cross-site writes are refused before the body is read or the session is touched.
  router.use(rejectCrossSiteWrites(context.config));
  router.use(express.json({ limit: context.config.JSON_BODY_MAX_BYTES, type: ['application/json', 'application/*+json'] }));
  router.use(sessionMiddleware);
  router.use(loadActor);
  router.use(apiRateLimit(context.rateLimits));

  // Resumable uploads speak the tus protocol (HEAD, PATCH, OPTIONS), so they are mounted as they are.
  const resumableUploads = createResumableUploads(context);
  router.all('/uploads', resumableUploads);
  router.all('/uploads/{*uploadPath}', resumableUploads);

  const routes = apiRoutes(context);
  for (const route of routes) route.mount(router);

  const document = buildOpenApiDocument(routes, context.config.PUBLIC_URL);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(apiNotFound);
  return router;
}

function clientRouter(): express.Router {
  const router = express.Router();
  const index = path.join(CLIENT_DIST, 'index.html');
  router.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
  // Every other GET is a client-side route, so it gets the app shell.
  router.get('/{*path}', (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web client is not built yet; run `npm run build:client`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

function contentSecurityPolicy(config: Config) {
  const publicUrl = new URL(config.PUBLIC_URL);
  const socketOrigin = `${publicUrl.protocol === 'https:' ? 'wss' : 'ws'}://${publicUrl.host}`;
  const tileOrigins = tileOriginsOf(config.MAP_TILE_URL);
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    // Leaflet positions map panes with inline styles.
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:', ...tileOrigins],
    connectSrc: ["'self'", socketOrigin],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    scriptSrcAttr: ["'none'"],
    upgradeInsecureRequests: publicUrl.protocol === 'https:' ? [] : null,
  };
}

/** Returns the origins a tile URL template loads from, with `{s}` subdomains as a wildcard. */
function tileOriginsOf(template: string): string[] {
  if (!template) return [];
  try {
    const url = new URL(template.replace('{s}', 'subdomain'));
    return [`${url.protocol}//${url.host.replace(/^subdomain\./, '*.')}`];
  } catch {
    return [];
  }
}
