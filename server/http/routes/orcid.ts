import type { Request, Response } from 'express';
import { z } from 'zod';
import { isSignedIn } from '../../auth/actor.js';
import { establishSession, sessionActor } from '../../auth/sign-in.js';
import type { AppContext } from '../../context.js';
import { recordAudit } from '../../domain/audit.js';
import { accountForOrcid } from '../../domain/orcid-accounts.js';
import { moduleLogger } from '../../observability/logger.js';
import { HttpError } from '../http-error.js';
import { defineRoute, type Route } from '../route.js';

const log = moduleLogger('orcid');

/** A path of this portal to return to; anything that could lead to another origin is refused. */
const nextPath = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])/, 'expected a path of this portal, such as /projects')
  .default('/');

const startQuery = z.object({
  next: nextPath,
  link: z.enum(['true', 'false']).default('false').meta({ description: 'true: connect ORCID to the signed-in account instead of signing in.' }),
});

/**
 * ORCID sign-in through OpenID Connect: `start` redirects the browser to ORCID with a state, a
 * nonce and a PKCE challenge kept in the session; ORCID redirects back to `callback`, which
 * signs the person in (making an account on first sign-in) or connects the iD to the signed-in
 * account, and claims the contributor records that carry the iD.
 */
export function orcidRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/auth/orcid/start',
      operationId: 'startOrcidSignIn',
      summary: 'Redirect to ORCID to sign in, or to connect ORCID to the signed-in account',
      tags: ['auth'],
      permission: 'auth.public',
      query: startQuery,
      success: { status: 302, description: 'Redirect to ORCID' },
      errors: ['not_found', 'unauthenticated', 'unavailable'],
      async handler({ query, req, res, actor }) {
        if (!context.orcid) throw new HttpError('not_found', 'ORCID sign-in is not configured on this portal (ORCID_CLIENT_ID).');
        const linking = query.link === 'true';
        if (linking && !isSignedIn(actor)) throw new HttpError('unauthenticated', 'Sign in first to connect ORCID to your account.');

        const { url, flow } = await context.orcid.start();
        req.session.orcidFlow = { ...flow, next: query.next, linkUserId: linking && isSignedIn(actor) ? actor.id : null };
        await saveSession(req);
        res.redirect(302, url);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/orcid/callback',
      operationId: 'finishOrcidSignIn',
      summary: 'Where ORCID sends the browser back; signs in and redirects to the portal',
      description: 'Redirects to the `next` path after success, and to `/sign-in?orcid=<reason>` after a failure.',
      tags: ['auth'],
      permission: 'auth.public',
      query: z.object({}).loose(),
      success: { status: 302, description: 'Redirect into the portal' },
      errors: [],
      async handler({ req, res }) {
        await finishCallback(context, req, res);
        return undefined;
      },
    }),
  ];
}

async function finishCallback(context: AppContext, req: Request, res: Response): Promise<void> {
  const flow = req.session.orcidFlow;
  if (!context.orcid || !flow) {
    res.redirect(302, '/sign-in?orcid=expired');
    return;
  }
  delete req.session.orcidFlow;

  try {
    const queryStart = req.originalUrl.indexOf('?');
    const identity = await context.orcid.finish(queryStart < 0 ? '' : req.originalUrl.slice(queryStart + 1), flow);
    const outcome = await accountForOrcid(identity, flow.linkUserId);
    if (outcome.linked) {
      await recordAudit({ action: 'auth.orcid-linked', actor: sessionActor(outcome.user, req), target: { type: 'user', id: outcome.user.id }, details: { orcid: identity.orcid, claimed: outcome.claimed }, ip: req.ip ?? null });
      await saveSession(req);
      res.redirect(302, '/account?orcid=connected');
      return;
    }
    await establishSession(req, context, outcome.user, 'orcid');
    if (outcome.created) await recordAudit({ action: 'auth.sign-up', actor: sessionActor(outcome.user, req), target: { type: 'user', id: outcome.user.id }, details: { method: 'orcid' }, ip: req.ip ?? null });
    res.redirect(302, flow.next);
  } catch (error) {
    const reason = error instanceof HttpError && error.code === 'conflict' ? 'conflict' : 'failed';
    if (!(error instanceof HttpError)) log.error({ err: error }, 'ORCID callback failed');
    res.redirect(302, `${flow.linkUserId ? '/account' : '/sign-in'}?orcid=${reason}`);
  }
}

function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}
