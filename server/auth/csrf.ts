import type { Request, RequestHandler } from 'express';
import type { Config } from '../config/env.js';
import { HttpError } from '../http/http-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Rejects state-changing requests that a browser sent from another origin, so a page elsewhere
 * cannot use the visitor's session cookie (cross-site request forgery, login CSRF included).
 *
 * Browsers mark every request with `Sec-Fetch-Site` (all current engines) or at least `Origin`
 * (every POST, PUT, PATCH and DELETE from another origin), and a page cannot forge either. So:
 * `Sec-Fetch-Site` must be `same-origin` or `none` (typed by the user), else `Origin`, when
 * present, must be the portal's own. A request with neither header comes from a program, not a
 * browser, and carries no ambient cookie it did not set itself. Requests authenticated with
 * `Authorization: Bearer` carry no ambient credential and are not checked. The SolidJS client
 * needs to send nothing extra: its same-origin requests carry both headers.
 */
export function rejectCrossSiteWrites(config: Pick<Config, 'PUBLIC_URL'>): RequestHandler {
  const publicOrigin = new URL(config.PUBLIC_URL).origin;
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || req.headers.authorization !== undefined) return next();
    if (isSameOrigin(req, publicOrigin)) return next();
    next(new HttpError('forbidden', 'Cross-site request rejected: state-changing requests must come from the portal’s own pages or use an API token.'));
  };
}

/** Whether a request came from the portal's own origin, or from no browser at all. */
export function isSameOrigin(req: Pick<Request, 'headers'> & { protocol?: string }, publicOrigin: string): boolean {
  const site = headerValue(req.headers['sec-fetch-site']);
  if (site !== undefined) return site === 'same-origin' || site === 'none';

  const origin = headerValue(req.headers.origin);
  if (origin === undefined) return true;
  return origin === publicOrigin || origin === ownOrigin(req);
}

/** The origin the request was addressed to, from its Host header; matches when PUBLIC_URL is not set for this address. */
function ownOrigin(req: Pick<Request, 'headers'> & { protocol?: string }): string | undefined {
  const host = headerValue(req.headers.host);
  if (!host) return undefined;
  return `${req.protocol ?? 'http'}://${host}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
