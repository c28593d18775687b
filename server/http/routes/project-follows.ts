import { z } from 'zod';
import { uuid } from '../../../common/api/common.js';
import { followState } from '../../../common/api/notifications.js';
import { authorizeProject, requireSignedIn } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import { follow, isFollowing, unfollow } from '../../domain/project-follows.js';
import { getProject } from '../../domain/projects.js';
import { defineRoute, type Route } from '../route.js';

const projectParams = z.object({ projectId: uuid });

/** Following a project: followers hear of every dataset published in it that they may read. */
export function projectFollowRoutes(context: AppContext): Route[] {
  const { knex } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/projects/{projectId}/follow',
      operationId: 'getProjectFollow',
      summary: 'Whether you follow a project',
      tags: ['projects'],
      permission: 'project.read',
      params: projectParams,
      success: { status: 200, description: 'Your follow state', schema: followState },
      errors: ['unauthenticated', 'not_found'],
      async handler({ params, actor }) {
        // Hidden projects get 404 before anonymous callers are asked to sign in.
        await authorizeProject(actor, 'project.read', await getProject(params.projectId));
        const user = requireSignedIn(actor);
        return { following: await isFollowing(knex, params.projectId, user.id) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/projects/{projectId}/follow',
      operationId: 'followProject',
      summary: 'Follow a project to hear of its publications',
      tags: ['projects'],
      permission: 'project.follow',
      params: projectParams,
      success: { status: 200, description: 'Your follow state', schema: followState },
      errors: ['unauthenticated', 'not_found'],
      async handler({ params, actor }) {
        await authorizeProject(actor, 'project.follow', await getProject(params.projectId));
        const user = requireSignedIn(actor);
        await follow(knex, params.projectId, user.id);
        return { following: true };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/projects/{projectId}/follow',
      operationId: 'unfollowProject',
      summary: 'Stop following a project',
      tags: ['projects'],
      permission: 'project.follow',
      params: projectParams,
      success: { status: 200, description: 'Your follow state', schema: followState },
      errors: ['unauthenticated', 'not_found'],
      async handler({ params, actor }) {
        await authorizeProject(actor, 'project.follow', await getProject(params.projectId));
        const user = requireSignedIn(actor);
        await unfollow(knex, params.projectId, user.id);
        return { following: false };
      },
    }),
  ];
}
