import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { invitation, invitationCreate, member, memberUpdate } from '../../../common/api/members.js';
import { permissionSummary } from '../../../common/api/permissions.js';
import { authorizeDataset, authorizeProject, authorizeRoleChange, can, permittedActions, requireSignedIn } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import { recordAudit } from '../../domain/audit.js';
import { getDataset } from '../../domain/datasets.js';
import { createInvitation, listProjectInvitations, revokeInvitation, toInvitationDto } from '../../domain/invitations.js';
import { addMember, findMembership, getMembership, listMembers, setMemberRole } from '../../domain/members.js';
import { getProject } from '../../domain/projects.js';
import { enqueueEmail } from '../../jobs/queues.js';
import { notifyUsersSafely } from '../../notifications/notify.js';
import { rooms } from '../../../common/events.js';
import type { Actor } from '../../auth/actor.js';
import type { Project } from '../../db/models/project.js';
import type { ProjectRole } from '../../../common/api/projects.js';
import { invitationMessage } from '../../mail/messages.js';
import { consumePoint } from '../rate-limit.js';
import { defineRoute, type Route } from '../route.js';

const projectParams = z.object({ projectId: uuid });
const datasetParams = z.object({ datasetId: uuid });
const memberParams = z.object({ projectId: uuid, userId: uuid });
const invitationParams = z.object({ projectId: uuid, invitationId: uuid });

/** Project members and invitations, and what the caller may do on a project or dataset. */
export function memberRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/projects/{projectId}/permissions',
      operationId: 'getProjectPermissions',
      summary: 'Your role in a project and the actions you may take on it',
      tags: ['members'],
      permission: 'project.read',
      params: projectParams,
      success: { status: 200, description: 'Your permissions', schema: permissionSummary },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.read', project);
        return permittedActions(actor, { type: 'project', project });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/{datasetId}/permissions',
      operationId: 'getDatasetPermissions',
      summary: "Your role in a dataset's project and the actions you may take on the dataset",
      tags: ['members'],
      permission: 'dataset.read-metadata',
      params: datasetParams,
      success: { status: 200, description: 'Your permissions', schema: permissionSummary },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const dataset = await getDataset(params.datasetId);
        await authorizeDataset(actor, 'dataset.read-metadata', dataset);
        return permittedActions(actor, { type: 'dataset', dataset });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/projects/{projectId}/members',
      operationId: 'listMembers',
      summary: "List a project's members, owners first",
      description: 'Email addresses are included only for callers who may manage the members.',
      tags: ['members'],
      permission: 'project.members.read',
      params: projectParams,
      success: { status: 200, description: 'The members', schema: z.object({ items: z.array(member) }) },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, actor }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.members.read', project);
        const withEmail = await can(actor, 'project.members.manage', { type: 'project', project });
        return { items: await listMembers(project.id, withEmail) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/projects/{projectId}/members/{userId}',
      operationId: 'updateMember',
      summary: "Change a member's role",
      tags: ['members'],
      permission: 'project.members.manage',
      params: memberParams,
      body: memberUpdate,
      success: { status: 200, description: 'The member', schema: member },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor, req }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.members.manage', project);
        const before = await getMembership(project.id, params.userId);
        await authorizeRoleChange(actor, project, [before.role, body.role]);

        await setMemberRole(project.id, params.userId, body.role);
        await recordAudit({
          action: 'member.role-change',
          actor,
          target: { type: 'user', id: params.userId },
          projectId: project.id,
          details: { roleBefore: before.role, roleAfter: body.role },
          ip: req.ip ?? null,
        });
        await context.socketAccess.revalidateUser(params.userId);
        await notifyMembershipChange(context, actor, project, params.userId, before.role, body.role);
        const members = await listMembers(project.id, true);
        return members.find((entry) => entry.userId === params.userId)!;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/projects/{projectId}/members/{userId}',
      operationId: 'putMember',
      summary: "Add a registered user to a project, or change a member's role",
      description: 'Adding someone who has no account yet goes through an invitation instead (POST /projects/{projectId}/invitations).',
      tags: ['members'],
      permission: 'project.members.manage',
      params: memberParams,
      body: memberUpdate,
      success: { status: 200, description: 'The member', schema: member },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor, req }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.members.manage', project);
        const before = await findMembership(project.id, params.userId);
        await authorizeRoleChange(actor, project, before ? [before.role, body.role] : [body.role]);

        if (before) {
          await setMemberRole(project.id, params.userId, body.role);
        } else {
          await addMember(project.id, params.userId, body.role);
        }
        await recordAudit({
          action: before ? 'member.role-change' : 'member.add',
          actor,
          target: { type: 'user', id: params.userId },
          projectId: project.id,
          details: { roleBefore: before?.role ?? null, roleAfter: body.role },
          ip: req.ip ?? null,
        });
        await context.socketAccess.revalidateUser(params.userId);
        context.userRooms.join(params.userId, rooms.project(project.id));
        await notifyMembershipChange(context, actor, project, params.userId, before?.role ?? null, body.role);
        const members = await listMembers(project.id, true);
        return members.find((entry) => entry.userId === params.userId)!;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/projects/{projectId}/members/{userId}',
      operationId: 'removeMember',
      summary: 'Remove a member; their open sockets leave the rooms of datasets they may no longer read, on every node',
      tags: ['members'],
      permission: 'project.members.manage',
      params: memberParams,
      success: { status: 204, description: 'Removed' },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor, req }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.members.manage', project);
        const before = await getMembership(project.id, params.userId);
        await authorizeRoleChange(actor, project, [before.role]);

        await setMemberRole(project.id, params.userId, null);
        await recordAudit({
          action: 'member.remove',
          actor,
          target: { type: 'user', id: params.userId },
          projectId: project.id,
          details: { roleBefore: before.role },
          ip: req.ip ?? null,
        });
        await context.socketAccess.revalidateUser(params.userId);
        context.userRooms.leave(params.userId, rooms.project(project.id));
        await notifyMembershipChange(context, actor, project, params.userId, before.role, null);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/projects/{projectId}/invitations',
      operationId: 'listInvitations',
      summary: "List a project's invitations, newest first",
      tags: ['members'],
      permission: 'project.members.read',
      params: projectParams,
      success: { status: 200, description: 'The invitations', schema: z.object({ items: z.array(invitation) }) },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, actor }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.members.read', project);
        return { items: (await listProjectInvitations(project.id)).map((row) => toInvitationDto(row)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/projects/{projectId}/invitations',
      operationId: 'createInvitation',
      summary: 'Invite someone by email address or ORCID iD',
      description:
        'An invitation by email is sent to the address; it is accepted when someone signs in or signs up with that confirmed address. ' +
        'An invitation by ORCID iD is accepted when someone signs in with ORCID as that iD.',
      tags: ['members'],
      permission: 'project.members.manage',
      params: projectParams,
      body: invitationCreate,
      success: { status: 201, description: 'The invitation', schema: invitation },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'rate_limited'],
      async handler({ params, body, actor, req }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.members.manage', project);
        await authorizeRoleChange(actor, project, [body.role]);
        const inviter = requireSignedIn(actor);

        if (body.email) await consumePoint(context.rateLimits.mailByAddress, `email:${body.email.toLowerCase()}`, 'emails to this address');
        const created = await createInvitation(inviter, project, body);
        if (created.email) {
          const link = new URL('/sign-in', context.config.PUBLIC_URL).href;
          await enqueueEmail(context.emailQueue, invitationMessage(created.email, project.title, created.role, inviter.displayName, link));
        }
        await recordAudit({
          action: 'invitation.create',
          actor,
          target: { type: 'invitation', id: created.id },
          projectId: project.id,
          details: { role: created.role, email: created.email, orcid: created.orcid },
          ip: req.ip ?? null,
        });
        return toInvitationDto(created);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/projects/{projectId}/invitations/{invitationId}',
      operationId: 'revokeInvitation',
      summary: 'Revoke a pending invitation',
      tags: ['members'],
      permission: 'project.members.manage',
      params: invitationParams,
      success: { status: 204, description: 'Revoked' },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, actor, req }) {
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'project.members.manage', project);
        const revoked = await revokeInvitation(project.id, params.invitationId);
        await recordAudit({ action: 'invitation.revoke', actor, target: { type: 'invitation', id: revoked.id }, projectId: project.id, ip: req.ip ?? null });
        return undefined;
      },
    }),
  ];
}

/** Tells a member in the app and by email that their membership changed, unless they changed it themselves. */
async function notifyMembershipChange(
  context: AppContext,
  actor: Actor,
  project: Project,
  userId: string,
  before: ProjectRole | null,
  after: ProjectRole | null,
): Promise<void> {
  if (actor.type !== 'user' || actor.id === userId || before === after) return;

  const facts = { projectId: project.id, projectTitle: project.title, byName: actor.displayName };
  if (after === null) {
    await notifyUsersSafely(context.notify, [userId], { kind: 'membership.removed', ...facts });
  } else if (before === null) {
    await notifyUsersSafely(context.notify, [userId], { kind: 'membership.added', ...facts, role: after });
  } else {
    await notifyUsersSafely(context.notify, [userId], { kind: 'membership.changed', ...facts, role: after, previousRole: before });
  }
}
