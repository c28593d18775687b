import { z } from 'zod';
import { pageOf, pageQuery, uuid } from '../../../common/api/common.js';
import { project, projectCreate, projectUpdate } from '../../../common/api/projects.js';
import { authorizeProject, authorizeProjectCreate, scopeReadableProjects } from '../../auth/policy.js';
import { createProject, getProject, projectsWithCounts, toProjectDto, updateProject } from '../../domain/projects.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const projectParams = z.object({ projectId: uuid });

/** Create, read, update and list projects. */
export function projectRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/projects',
      operationId: 'listProjects',
      summary: 'List the projects you may read, oldest first',
      tags: ['projects'],
      permission: 'projects.list',
      query: pageQuery,
      success: { status: 200, description: 'A page of projects', schema: pageOf(project) },
      errors: [],
      async handler({ query, actor }) {
        const rows = scopeReadableProjects(projectsWithCounts(actor), actor)
          .orderBy([{ column: 'projects.createdAt' }, { column: 'projects.id' }])
          .limit(query.limit + 1);
        if (query.cursor) {
          const [afterId] = decodeCursor(query.cursor, ['uuid']);
          rows.whereRaw('(projects.created_at, projects.id) > (SELECT created_at, id FROM projects WHERE id = ?::uuid)', [afterId]);
        }
        return toPage(await rows, query.limit, (last) => [last.id], toProjectDto);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/projects',
      operationId: 'createProject',
      summary: 'Create a project; you become its owner',
      tags: ['projects'],
      permission: 'project.create',
      body: projectCreate,
      success: { status: 201, description: 'The new project', schema: project },
      errors: ['unauthenticated'],
      async handler({ body, actor }) {
        const owner = await authorizeProjectCreate(actor);
        return toProjectDto(await createProject(owner, body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/projects/{projectId}',
      operationId: 'getProject',
      summary: 'Read a project',
      tags: ['projects'],
      permission: 'project.read',
      params: projectParams,
      success: { status: 200, description: 'The project', schema: project },
      errors: ['not_found'],
      async handler({ params, actor }) {
        const found = await getProject(params.projectId, actor);
        await authorizeProject(actor, 'project.read', found);
        return toProjectDto(found);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/projects/{projectId}',
      operationId: 'updateProject',
      summary: 'Change a project; only the given properties change',
      tags: ['projects'],
      permission: 'project.update',
      params: projectParams,
      body: projectUpdate,
      success: { status: 200, description: 'The updated project', schema: project },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, body, actor }) {
        const found = await getProject(params.projectId, actor);
        await authorizeProject(actor, 'project.update', found);
        return toProjectDto(await updateProject(found, body, actor));
      },
    }),
  ];
}
