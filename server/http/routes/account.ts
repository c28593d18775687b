import { z } from 'zod';
import { apiToken, apiTokenCreate, apiTokenCreated, sessionInfo } from '../../../common/api/account.js';
import { uuid } from '../../../common/api/common.js';
import { contributor } from '../../../common/api/contributors.js';
import { invitation } from '../../../common/api/members.js';
import { authorizePortal, can } from '../../auth/policy.js';
import { SESSION_COOKIE } from '../../auth/session.js';
import { sessionHandle } from '../../auth/session-registry.js';
import { endAllSessions } from '../../auth/sign-in.js';
import type { AppContext } from '../../context.js';
import { Dataset } from '../../db/models/dataset.js';
import { Project } from '../../db/models/project.js';
import { createApiToken, listApiTokens, revokeApiToken, toApiTokenDto } from '../../domain/api-tokens.js';
import { recordAudit } from '../../domain/audit.js';
import { listClaimable, toContributorDto } from '../../domain/contributors.js';
import { acceptInvitations, listInvitationsFor, toInvitationDto } from '../../domain/invitations.js';
import { getUser } from '../../domain/users.js';
import { notFound } from '../http-error.js';
import { defineRoute, type Route } from '../route.js';

const tokenParams = z.object({ tokenId: uuid });
const sessionParams = z.object({ sessionId: z.string().regex(/^[0-9a-f]{32}$/, 'expected a session id from GET /account/sessions') });
const invitationParams = z.object({ invitationId: uuid });

/** The signed-in user's own API tokens, sessions, invitations and claimable contributor records. */
export function accountRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/account/tokens',
      operationId: 'listApiTokens',
      summary: 'List your personal API tokens with their last use',
      tags: ['account'],
      permission: 'account.read',
      success: { status: 200, description: 'Your tokens, newest first', schema: z.object({ items: z.array(apiToken) }) },
      errors: ['unauthenticated'],
      async handler({ actor }) {
        const user = await authorizePortal(actor, 'account.read');
        return { items: (await listApiTokens(user.id)).map(toApiTokenDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/account/tokens',
      operationId: 'createApiToken',
      summary: 'Create a personal API token; the response is the only time its secret is shown',
      tags: ['account'],
      permission: 'account.manage',
      body: apiTokenCreate,
      success: { status: 201, description: 'The new token with its secret', schema: apiTokenCreated },
      errors: ['unauthenticated', 'forbidden'],
      async handler({ actor, body, req }) {
        const user = await authorizePortal(actor, 'account.manage');
        const { token, record } = await createApiToken(user.id, body, context.config.API_TOKEN_MAX_DAYS);
        await recordAudit({ action: 'token.create', actor, target: { type: 'token', id: record.id }, details: { name: record.name, scope: record.scope }, ip: req.ip ?? null });
        return { ...toApiTokenDto(record), token };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/account/tokens/{tokenId}',
      operationId: 'revokeApiToken',
      summary: 'Revoke one of your API tokens and close the sockets opened with it',
      tags: ['account'],
      permission: 'account.manage',
      params: tokenParams,
      success: { status: 204, description: 'Revoked' },
      errors: ['unauthenticated', 'not_found'],
      async handler({ actor, params, req }) {
        const user = await authorizePortal(actor, 'account.manage');
        const revoked = await revokeApiToken(user.id, params.tokenId);
        context.socketAccess.disconnectToken(revoked.id);
        await recordAudit({ action: 'token.revoke', actor, target: { type: 'token', id: revoked.id }, details: { name: revoked.name }, ip: req.ip ?? null });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/account/sessions',
      operationId: 'listSessions',
      summary: 'List your signed-in sessions',
      tags: ['account'],
      permission: 'account.read',
      success: { status: 200, description: 'Your sessions', schema: z.object({ items: z.array(sessionInfo) }) },
      errors: ['unauthenticated'],
      async handler({ actor, req }) {
        const user = await authorizePortal(actor, 'account.read');
        return { items: await context.sessions.list(user.id, req.sessionID) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/account/sessions/{sessionId}',
      operationId: 'endSession',
      summary: 'End one of your sessions and close its sockets',
      tags: ['account'],
      permission: 'account.manage',
      params: sessionParams,
      success: { status: 204, description: 'Ended' },
      errors: ['unauthenticated', 'not_found'],
      async handler({ actor, params, req, res }) {
        const user = await authorizePortal(actor, 'account.manage');
        const ended = await context.sessions.revoke(user.id, params.sessionId);
        if (!ended) throw notFound('Session', params.sessionId);
        context.socketAccess.disconnectSessions([params.sessionId]);
        await recordAudit({ action: 'session.revoke', actor, target: { type: 'session', id: params.sessionId }, ip: req.ip ?? null });
        if (req.sessionID && sessionHandle(req.sessionID) === params.sessionId) res.clearCookie(SESSION_COOKIE);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/account/sign-out-everywhere',
      operationId: 'signOutEverywhere',
      summary: 'End all your sessions, this one included, and close their sockets on every server node',
      tags: ['account'],
      permission: 'account.manage',
      success: { status: 204, description: 'Signed out everywhere' },
      errors: ['unauthenticated'],
      async handler({ actor, req, res }) {
        const user = await authorizePortal(actor, 'account.manage');
        const ended = await endAllSessions(user.id, context);
        await recordAudit({ action: 'auth.sign-out-everywhere', actor, target: { type: 'user', id: user.id }, details: { sessionsEnded: ended }, ip: req.ip ?? null });
        res.clearCookie(SESSION_COOKIE);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/account/invitations',
      operationId: 'listMyInvitations',
      summary: 'List the pending invitations addressed to your confirmed email address or ORCID iD',
      tags: ['account'],
      permission: 'account.read',
      success: { status: 200, description: 'Pending invitations', schema: z.object({ items: z.array(invitation) }) },
      errors: ['unauthenticated'],
      async handler({ actor }) {
        const user = await getUser((await authorizePortal(actor, 'account.read')).id);
        return { items: (await listInvitationsFor(user)).map((row) => toInvitationDto(row)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/account/invitations/{invitationId}/accept',
      operationId: 'acceptInvitation',
      summary: 'Accept an invitation addressed to you and become a member of its project',
      tags: ['account'],
      permission: 'account.manage',
      params: invitationParams,
      success: { status: 200, description: 'The accepted invitation', schema: invitation },
      errors: ['unauthenticated', 'not_found'],
      async handler({ actor, params }) {
        const user = await getUser((await authorizePortal(actor, 'account.manage')).id);
        const [accepted] = await acceptInvitations(user, actor, params.invitationId);
        if (!accepted) throw notFound('Invitation', params.invitationId);
        return toInvitationDto({ ...accepted, acceptedAt: new Date() } as typeof accepted);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/account/contributor-claims',
      operationId: 'listClaimableContributors',
      summary: 'List the unclaimed contributor records that carry your confirmed ORCID iD',
      tags: ['account'],
      permission: 'account.read',
      success: { status: 200, description: 'Records you can claim', schema: z.object({ items: z.array(contributor) }) },
      errors: ['unauthenticated'],
      async handler({ actor }) {
        const user = await getUser((await authorizePortal(actor, 'account.read')).id);
        const visible = [];
        for (const row of await listClaimable(user)) {
          const readable = row.datasetId
            ? await can(actor, 'dataset.read-metadata', { type: 'dataset', dataset: await Dataset.query().findById(row.datasetId).throwIfNotFound() })
            : await can(actor, 'project.read', { type: 'project', project: await Project.query().findById(row.projectId).throwIfNotFound() });
          if (readable) visible.push(toContributorDto(row));
        }
        return { items: visible };
      },
    }),
  ];
}
