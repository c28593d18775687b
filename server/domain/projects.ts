import type { Project as ProjectDto, ProjectCreate, ProjectUpdate } from '../../common/api/projects.js';
import type { QueryBuilder } from 'objection';
import type { Actor, SignedInActor } from '../auth/actor.js';
import { scopeReadableDatasets } from '../auth/policy.js';
import type { Dataset } from '../db/models/dataset.js';
import { Project } from '../db/models/project.js';
import { ProjectMember } from '../db/models/project-member.js';
import { notFound } from '../http/http-error.js';
import { iso } from './timestamps.js';

export function toProjectDto(project: Project): ProjectDto {
  return {
    id: project.id,
    title: project.title,
    description: project.description,
    status: project.status,
    keywords: project.keywords,
    funding: project.funding,
    datasetCount: project.datasetCount ?? 0,
    createdBy: project.createdBy,
    createdAt: iso(project.createdAt),
    updatedAt: iso(project.updatedAt),
  };
}

/**
 * Selects projects with the number of their datasets; given an actor, only the datasets that
 * actor may see are counted, so the count does not reveal private datasets.
 */
export function projectsWithCounts(actor?: Actor) {
  const datasets = Project.relatedQuery('datasets') as unknown as QueryBuilder<Dataset, Dataset[]>;
  const counted = actor ? scopeReadableDatasets(datasets, actor) : datasets;
  return Project.query().select('projects.*', counted.count().as('datasetCount'));
}

/** Creates a project and makes its creator the owner, in one transaction. */
export async function createProject(actor: SignedInActor, input: Required<ProjectCreate>): Promise<Project> {
  return Project.transaction(async (trx) => {
    const project = await Project.query(trx).insertAndFetch({ ...input, createdBy: actor.id });
    await ProjectMember.query(trx).insert({ projectId: project.id, userId: actor.id, role: 'owner' });
    project.datasetCount = 0;
    return project;
  });
}

/** Reads a project with its dataset count (of the datasets the actor may see, given one), or throws 404. */
export async function getProject(projectId: string, actor?: Actor): Promise<Project> {
  const project = await projectsWithCounts(actor).findById(projectId);
  if (!project) throw notFound('Project', projectId);
  return project;
}

export async function updateProject(project: Project, changes: ProjectUpdate, actor?: Actor): Promise<Project> {
  if (Object.keys(changes).length > 0) {
    await Project.query().patch(changes).where('id', project.id);
  }
  return getProject(project.id, actor);
}
