import type { Project, ProjectCreate } from '../../../common/api/projects.js';
import { apiRequest } from './http.js';
import { fetchAllPages } from './page.js';

/** Returns every project the visitor may read, oldest first. */
export function fetchProjects(): Promise<Project[]> {
  return fetchAllPages<Project>('/projects');
}

export function fetchProject(projectId: string): Promise<Project> {
  return apiRequest<Project>(`/projects/${encodeURIComponent(projectId)}`);
}

export function createProject(body: ProjectCreate): Promise<Project> {
  return apiRequest<Project>('/projects', { method: 'POST', body });
}
