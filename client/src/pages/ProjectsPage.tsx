import { A } from '@solidjs/router';
import { createMemo, For, Show } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import type { Project } from '../../../common/api/projects.js';
import { fetchDatasets } from '../api/datasets.js';
import { fetchProjects } from '../api/projects.js';
import { DatasetList } from '../components/DatasetList.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { NewProjectForm } from '../components/NewProjectForm.js';
import { usePageTitle } from '../components/page-title.js';
import { currentUser, sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

interface Catalogue {
  projects: Project[];
  datasetsByProject: Map<string, Dataset[]>;
}

/** Fetches the projects and the datasets the visitor may read, and groups the datasets by project. */
async function fetchCatalogue(): Promise<Catalogue> {
  const [projects, datasets] = await Promise.all([fetchProjects(), fetchDatasets()]);
  const datasetsByProject = new Map<string, Dataset[]>();
  for (const dataset of datasets) {
    const list = datasetsByProject.get(dataset.projectId) ?? [];
    list.push(dataset);
    datasetsByProject.set(dataset.projectId, list);
  }
  return { projects, datasetsByProject };
}

/** Shows the home page: every project the visitor may read, with its datasets. */
export function ProjectsPage() {
  usePageTitle(() => 'Projects');
  const catalogue = createQuery(sessionKey, fetchCatalogue);
  const projects = createMemo(() => catalogue.data()?.projects ?? []);

  return (
    <div class="stack">
      <div class="page-heading">
        <h1>Projects</h1>
        <p class="muted">Research projects and their datasets. Open a dataset to see its samples on a table and a map.</p>
      </div>

      <Show when={catalogue.error()}>
        <ErrorNotice error={catalogue.error()} title="The projects could not be loaded." onRetry={() => void catalogue.refetch()} />
      </Show>
      <Show when={!catalogue.data() && !catalogue.error()}>
        <p class="muted" role="status">
          Loading projects…
        </p>
      </Show>

      <Show when={catalogue.data()}>
        <Show when={projects().length > 0} fallback={<p class="empty">No projects yet.{currentUser() ? ' Create the first one below.' : ' Sign in to create one.'}</p>}>
          <ul class="project-list">
            <For each={projects()}>
              {(project) => (
                <li class="card project-card">
                  <h2 class="project-card__title">
                    <A href={`/projects/${project.id}`}>{project.title}</A>
                  </h2>
                  <Show when={project.description}>
                    <p class="project-card__description">{project.description}</p>
                  </Show>
                  <DatasetList datasets={catalogue.data()?.datasetsByProject.get(project.id) ?? []} emptyText="No datasets you can see yet." />
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>

      <Show when={currentUser()}>
        <NewProjectForm />
      </Show>
    </div>
  );
}
