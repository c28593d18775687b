import type { QueryBuilder } from 'objection';
import type { ProjectRole } from '../../common/api/projects.js';
import { Dataset } from '../db/models/dataset.js';
import { Project } from '../db/models/project.js';
import { ProjectMember } from '../db/models/project-member.js';
import { HttpError } from '../http/http-error.js';
import { isSignedIn, type Actor, type SignedInActor } from './actor.js';

/**
 * Every permission decision of the portal is made in this file, for REST routes and socket
 * handlers alike. What a project role may do:
 *
 * | capability | owner | manager | editor | viewer |
 * | read       |  yes  |   yes   |  yes   |  yes   |
 * | edit data  |  yes  |   yes   |  yes   |        |
 * | update     |  yes  |   yes   |        |        |
 *
 * Portal admins may do everything; curators may read everything. Datasets are readable by
 * everyone when public, by every signed-in user when internal, and by project members when
 * private. A resource the actor may not read answers 404, so its existence does not leak.
 *
 * TODO: invitations, embargo dates, API tokens and the audit log are not in this policy yet.
 */
export type Capability = 'read' | 'edit' | 'update';

const ROLE_CAPABILITIES: Record<ProjectRole, readonly Capability[]> = {
  owner: ['read', 'edit', 'update'],
  manager: ['read', 'edit', 'update'],
  editor: ['read', 'edit'],
  viewer: ['read'],
};

/** Rejects an anonymous actor with 401. */
export function requireSignedIn(actor: Actor): SignedInActor {
  if (!isSignedIn(actor)) {
    throw new HttpError('unauthenticated', 'Sign in to do this: POST /api/v1/auth/sign-in.');
  }
  return actor;
}

/** Rejects anyone but a portal admin. */
export function requireAdmin(actor: Actor): SignedInActor {
  const user = requireSignedIn(actor);
  if (user.role !== 'admin') {
    throw new HttpError('forbidden', 'Only a portal admin may do this.');
  }
  return user;
}

/** Any signed-in user may create a project and becomes its owner. */
export function authorizeProjectCreate(actor: Actor): SignedInActor {
  return requireSignedIn(actor);
}

/** Checks a capability on a project; throws 404 when the actor may not even read it. */
export async function authorizeProject(actor: Actor, capability: Capability, project: Project): Promise<void> {
  const role = await projectRoleOf(actor, project.id);
  if (hasCapability(actor, role, capability)) return;

  if (capability !== 'read' && (await canReadProject(actor, project, role))) {
    throw denied(actor, capability, 'project');
  }
  if (capability === 'read' && (await canReadProject(actor, project, role))) return;
  throw new HttpError('not_found', `Project ${project.id} was not found.`);
}

/** Checks a capability on a dataset; throws 404 when the actor may not even read it. */
export async function authorizeDataset(actor: Actor, capability: Capability, dataset: Dataset): Promise<void> {
  decideDataset(actor, await projectRoleOf(actor, dataset.projectId), capability, dataset);
}

/**
 * Decides a capability on a dataset from the actor's project role, for callers that read the
 * role together with other rows in one query (the live-edit path reads it with the dataset's lock).
 */
export function decideDataset(actor: Actor, role: ProjectRole | null, capability: Capability, dataset: Pick<Dataset, 'id' | 'visibility'>): void {
  if (hasCapability(actor, role, capability)) return;

  const readable = canReadDataset(actor, dataset, role);
  if (capability === 'read' && readable) return;
  if (readable) throw denied(actor, capability, 'dataset');
  throw new HttpError('not_found', `Dataset ${dataset.id} was not found.`);
}

/** Limits a dataset query to the datasets the actor may read. */
export function scopeReadableDatasets(query: QueryBuilder<Dataset, Dataset[]>, actor: Actor): QueryBuilder<Dataset, Dataset[]> {
  if (!isSignedIn(actor)) return query.where('datasets.visibility', 'public');
  if (actor.role === 'admin' || actor.role === 'curator') return query;

  return query.where((visible) =>
    visible
      .whereIn('datasets.visibility', ['public', 'internal'])
      .orWhereIn('datasets.projectId', memberProjectIds(actor.id)),
  );
}

/** Limits a project query to the projects the actor may read. */
export function scopeReadableProjects(query: QueryBuilder<Project, Project[]>, actor: Actor): QueryBuilder<Project, Project[]> {
  if (isSignedIn(actor) && (actor.role === 'admin' || actor.role === 'curator')) return query;

  const visibleDatasets = scopeReadableDatasets(Dataset.query().select('datasets.projectId'), actor);
  return query.where((visible) => {
    visible.whereIn('projects.id', visibleDatasets);
    if (isSignedIn(actor)) visible.orWhereIn('projects.id', memberProjectIds(actor.id));
  });
}

function memberProjectIds(userId: string) {
  return ProjectMember.query().select('projectId').where('userId', userId);
}

async function projectRoleOf(actor: Actor, projectId: string): Promise<ProjectRole | null> {
  if (!isSignedIn(actor)) return null;
  const member = await ProjectMember.query().findById([projectId, actor.id]);
  return member?.role ?? null;
}

function hasCapability(actor: Actor, role: ProjectRole | null, capability: Capability): boolean {
  if (isSignedIn(actor) && actor.role === 'admin') return true;
  if (isSignedIn(actor) && actor.role === 'curator' && capability === 'read') return true;
  return role !== null && ROLE_CAPABILITIES[role].includes(capability);
}

function canReadDataset(actor: Actor, dataset: Pick<Dataset, 'visibility'>, role: ProjectRole | null): boolean {
  if (dataset.visibility === 'public') return true;
  if (!isSignedIn(actor)) return false;
  return dataset.visibility === 'internal' || hasCapability(actor, role, 'read');
}

async function canReadProject(actor: Actor, project: Project, role: ProjectRole | null): Promise<boolean> {
  if (hasCapability(actor, role, 'read')) return true;
  const visible = await scopeReadableDatasets(Dataset.query().where('datasets.projectId', project.id), actor)
    .select('datasets.id')
    .first();
  return visible !== undefined;
}

function denied(actor: Actor, capability: Capability, what: string): HttpError {
  if (!isSignedIn(actor)) {
    return new HttpError('unauthenticated', `Sign in to ${capability} this ${what}: POST /api/v1/auth/sign-in.`);
  }
  const needed = capability === 'update' ? 'owner or manager' : 'owner, manager or editor';
  return new HttpError('forbidden', `You need the ${needed} role in this ${what}'s project to ${capability} it.`);
}
