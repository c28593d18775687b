import { A, useParams } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { Project } from '../../../common/api/projects.js';
import { fetchDatasets } from '../api/datasets.js';
import { fetchProjectPermissions } from '../api/members.js';
import { fetchProject } from '../api/projects.js';
import { MembersPanel } from '../project/MembersPanel.js';
import { DatasetList } from '../components/DatasetList.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FollowButton } from '../components/FollowButton.js';
import { KeywordList } from '../components/KeywordList.js';
import { NewDatasetForm } from '../components/NewDatasetForm.js';
import { usePageTitle } from '../components/page-title.js';
import { formatDate } from '../format/dates.js';
import { currentUser, sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

const STATUS_LABELS: Record<Project['status'], string> = {
  planned: 'Planned',
  active: 'Active',
  completed: 'Completed',
  archived: 'Archived',
};

/** Shows a project: its metadata, its datasets and, for signed-in users, a form for a new dataset. */
export function ProjectPage() {
  const params = useParams<{ projectId: string }>();
  const source = () => {
    const session = sessionKey();
    return session === false ? false : `${session}:${params.projectId}`;
  };
  const project = createQuery(source, () => fetchProject(params.projectId));
  const datasets = createQuery(source, () => fetchDatasets(params.projectId));
  const permissions = createQuery(source, () => fetchProjectPermissions(params.projectId));
  const may = (action: string) => permissions.data()?.actions.includes(action as never) ?? false;
  usePageTitle(() => project.data()?.title);

  return (
    <div class="stack">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <A href="/">Projects</A>
      </nav>

      <Show when={project.error()}>
        <ErrorNotice error={project.error()} title="The project could not be loaded." onRetry={() => void project.refetch()} />
      </Show>
      <Show when={!project.data() && !project.error()}>
        <p class="muted" role="status">
          Loading the project…
        </p>
      </Show>

      <Show when={project.data()}>
        {(current) => (
          <>
            <div class="page-heading">
              <p class="eyebrow">Project</p>
              <h1>{current().title}</h1>
              <Show when={currentUser()}>
                <FollowButton projectId={current().id} />
              </Show>
            </div>
            <section class="card stack" aria-labelledby="project-about">
              <h2 id="project-about">About this project</h2>
              <Show when={current().description} fallback={<p class="muted">No description yet.</p>}>
                <p class="prose">{current().description}</p>
              </Show>
              <dl class="facts">
                <dt>Status</dt>
                <dd>{STATUS_LABELS[current().status]}</dd>
                <dt>Created</dt>
                <dd>{formatDate(current().createdAt)}</dd>
                <Show when={current().funding.length > 0}>
                  <dt>Funding</dt>
                  <dd>
                    <ul class="plain-list">
                      <For each={current().funding}>
                        {(grant) => (
                          <li>
                            {grant.funderName}
                            {grant.awardNumber ? `, award ${grant.awardNumber}` : ''}
                            {grant.awardTitle ? `: ${grant.awardTitle}` : ''}
                          </li>
                        )}
                      </For>
                    </ul>
                  </dd>
                </Show>
              </dl>
              <KeywordList keywords={current().keywords} />
            </section>
          </>
        )}
      </Show>

      <section class="stack" aria-labelledby="project-datasets">
        <h2 id="project-datasets">Datasets</h2>
        <Show when={datasets.error()}>
          <ErrorNotice error={datasets.error()} title="The datasets could not be loaded." onRetry={() => void datasets.refetch()} />
        </Show>
        <Show when={datasets.data()}>
          {(list) => <DatasetList datasets={list()} emptyText="This project has no datasets you can see yet." />}
        </Show>
      </section>

      <Show when={may('project.members.read') && permissions.data()}>
        {(current) => <MembersPanel projectId={params.projectId} permissions={current()} />}
      </Show>

      <Show when={currentUser() && project.data() && may('project.datasets.create')}>
        <NewDatasetForm projectId={params.projectId} />
      </Show>
    </div>
  );
}
