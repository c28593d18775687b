import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { projectMember, projectMemberPut } from '../../../common/api/members.js';
import { rooms } from '../../../common/events.js';
import { authorizeProject, requireSignedIn } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import { listMembers, putMember, removeMember } from '../../domain/project-members.js';
import { getProject } from '../../domain/projects.js';
import { notifyUsersSafely } from '../../notifications/notify.js';
import { defineRoute, type Route } from '../route.js';

const projectParams = z.object({ projectId: uuid });
const memberParams = z.object({ projectId: uuid, userId: uuid });

/**
 * Project members: owners and managers add members, change their roles and remove them. The
 * member is notified in the app and by email, and the member's open sockets on every node join or
 * leave the project's room at once, so project notices follow the membership live.
 */
export function projectMemberRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/projects/{projectId}/members',
      operationId: 'listProjectMembers',
      summary: "A project's members and their roles",
      tags: ['projects'],
      params: projectParams,
      success: { status: 200, description: 'The members', schema: z.object({ items: z.array(projectMember) }) },
      errors: ['not_found'],
      async handler({ params, actor }) {
        await authorizeProject(actor, 'read', await getProject(params.projectId));
        return { items: await listMembers(params.projectId) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/projects/{projectId}/members/{userId}',
      operationId: 'putProjectMember',
      summary: "Add a member to a project or change a member's role (owners and managers)",
      tags: ['projects'],
      params: memberParams,
      body: projectMemberPut,
      success: { status: 200, description: 'The member', schema: projectMember },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor }) {
        const manager = requireSignedIn(actor);
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'update', project);

        const change = await putMember(project.id, params.userId, body.role);
        context.userRooms.join(params.userId, rooms.project(project.id));
        if (change.previousRole !== change.role && params.userId !== manager.id) {
          const facts = { projectId: project.id, projectTitle: project.title, role: change.role, byName: manager.displayName };
          const event =
            change.previousRole === null
              ? { kind: 'membership.added' as const, ...facts }
              : { kind: 'membership.changed' as const, ...facts, previousRole: change.previousRole };
          await notifyUsersSafely(context.notify, [params.userId], event);
        }
        const members = await listMembers(project.id);
        return members.find((member) => member.userId === params.userId);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/projects/{projectId}/members/{userId}',
      operationId: 'removeProjectMember',
      summary: 'Remove a member from a project (owners and managers)',
      tags: ['projects'],
      params: memberParams,
      success: { status: 204, description: 'Removed' },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, actor }) {
        const manager = requireSignedIn(actor);
        const project = await getProject(params.projectId);
        await authorizeProject(actor, 'update', project);

        if (!(await removeMember(project.id, params.userId))) return undefined;
        // NOTE: only the project's notice room is left here; dataset rooms the user joined stay until the next join check.
        context.userRooms.leave(params.userId, rooms.project(project.id));
        if (params.userId !== manager.id) {
          await notifyUsersSafely(context.notify, [params.userId], {
            kind: 'membership.removed',
            projectId: project.id,
            projectTitle: project.title,
            byName: manager.displayName,
          });
        }
        return undefined;
      },
    }),
  ];
}
