import { A, useParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, onCleanup, Show } from 'solid-js';
import { ApiError } from '../api/api-error.js';
import { loadClientConfig } from '../api/client-config.js';
import { fetchDataset, updateDataset } from '../api/datasets.js';
import { fetchDatasetContributors, fetchDatasetPermissions } from '../api/members.js';
import { fetchImport } from '../api/imports.js';
import { fetchProject } from '../api/projects.js';
import { AccessPanel } from '../dataset/AccessPanel.js';
import { ContributorList } from '../dataset/ContributorList.js';
import { formatDate } from '../format/dates.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { PublishButton } from '../components/PublishButton.js';
import { usePageTitle } from '../components/page-title.js';
import { DatasetMetadata } from '../dataset/DatasetMetadata.js';
import { DatasetMetadataForm } from '../dataset/DatasetMetadataForm.js';
import { ImportsList } from '../dataset/ImportsList.js';
import { ImportStatus } from '../dataset/ImportStatus.js';
import { createImportsStore } from '../dataset/imports-store.js';
import { SamplesMap } from '../dataset/SamplesMap.js';
import { SamplesTable } from '../dataset/SamplesTable.js';
import { UploadForm } from '../dataset/UploadForm.js';
import { importToShow, isFinished } from '../format/import-progress.js';
import { joinDatasetRoom } from '../realtime/dataset-room.js';
import { createLiveDataset } from '../realtime/live-dataset.js';
import { connectionState } from '../realtime/socket.js';
import { currentUser, sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

/** How often running imports are read from the API while the live connection is down. */
const OFFLINE_POLL_MS = 5_000;

/** Changes often arrive in bursts (an import, a colleague typing); refetch the dataset's counts at most this often. */
const RELOAD_DELAY_MS = 300;

const VISIBILITY_LABELS = { private: 'Private', internal: 'Internal', public: 'Public' } as const;
const STATE_LABELS = { draft: 'Draft', published: 'Published' } as const;

/** Shows the dataset page. A new dataset id builds a fresh view, so no state leaks between datasets. */
export function DatasetPage() {
  const params = useParams<{ datasetId: string }>();
  return (
    <Show when={params.datasetId} keyed>
      {(datasetId) => <DatasetView datasetId={datasetId} />}
    </Show>
  );
}

function DatasetView(props: { datasetId: string }) {
  const dataset = createQuery(sessionKey, () => fetchDataset(props.datasetId));
  const project = createQuery(() => dataset.data()?.projectId, fetchProject);
  const permissions = createQuery(sessionKey, () => fetchDatasetPermissions(props.datasetId));
  const contributors = createQuery(sessionKey, () => fetchDatasetContributors(props.datasetId));
  const may = (action: string) => permissions.data()?.actions.includes(action as never) ?? false;
  const embargoed = () => {
    const until = dataset.data()?.embargoUntil;
    return until !== null && until !== undefined && Date.parse(until) > Date.now();
  };
  const config = createQuery(() => 'config', loadClientConfig);
  const imports = createImportsStore(props.datasetId);
  const [reloadToken, setReloadToken] = createSignal(0);
  const [selectedImportId, setSelectedImportId] = createSignal<string | null>(null);
  const [liveProblem, setLiveProblem] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal(false);
  const [selectedSampleId, setSelectedSampleId] = createSignal<string | null>(null);
  usePageTitle(() => dataset.data()?.title);

  // Rows and fields change in place from the live changes; the dataset's counts and extent are
  // read again after changes, and the map reloads its points when rows had to be read again.
  const live = createLiveDataset(props.datasetId, () => {
    void dataset.refetch();
    setReloadToken((token) => token + 1);
  });
  const reportSeq = createCatchUp(
    () => dataset.data()?.seq,
    async () => {
      await dataset.refetch();
    },
  );

  let joinedBefore = false;
  joinDatasetRoom(props.datasetId, {
    onChange: (change) => {
      live.receive(change);
      reportSeq(change.seq);
    },
    onPresence: (event) => live.presence(event),
    onProgress: (progress) => {
      imports.applyLive(progress);
      if (selectedImportId() === null && !isFinished(progress.state)) setSelectedImportId(progress.importId);
    },
    onJoined: (info) => {
      setLiveProblem(null);
      live.joined(info);
      reportSeq(info.seq);
      // After a reconnect, events sent while disconnected are lost: read the imports again.
      if (joinedBefore) void imports.refresh();
      joinedBefore = true;
    },
    onJoinFailed: (message) => setLiveProblem(message),
  });

  void imports.refresh().then(() => {
    const opened = importToShow(imports.items(), currentUser()?.id ?? null);
    if (opened && selectedImportId() === null) setSelectedImportId(opened.id);
  });

  // Progress events sent while the socket is down are lost, so poll running imports from the API.
  // The rows catch up when the room is joined again.
  const poll = setInterval(() => {
    if (connectionState() !== 'live' && imports.items().some((record) => !isFinished(record.state))) void imports.refresh();
  }, OFFLINE_POLL_MS);
  onCleanup(() => clearInterval(poll));

  const selectedImport = createMemo(() => imports.items().find((record) => record.id === selectedImportId()));
  const onUploaded = async (importId: string) => {
    setSelectedImportId(importId);
    try {
      imports.add(await fetchImport(importId));
    } catch {
      void imports.refresh();
    }
  };

  return (
    <div class="stack">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <A href="/">Projects</A>
        <Show when={project.data()}>
          {(current) => (
            <>
              <span aria-hidden="true">/</span>
              <A href={`/projects/${current().id}`}>{current().title}</A>
            </>
          )}
        </Show>
      </nav>

      <Show when={dataset.error() && !dataset.data()}>
        <ErrorNotice error={dataset.error()} title="The dataset could not be loaded." onRetry={() => void dataset.refetch()} />
        <Show when={!currentUser() && dataset.error() instanceof ApiError && (dataset.error() as ApiError).code === 'not_found'}>
          <p>
            Private and internal datasets are visible only after signing in. <A href={`/sign-in?next=/datasets/${props.datasetId}`}>Sign in</A>
          </p>
        </Show>
      </Show>
      <Show when={!dataset.data() && !dataset.error()}>
        <p class="muted" role="status">
          Loading the dataset…
        </p>
      </Show>

      <Show when={dataset.data()}>
        {(current) => (
          <>
            <div class="page-heading">
              <p class="eyebrow">Dataset</p>
              <h1>{current().title}</h1>
              <p class="badges">
                <span class="badge" data-visibility={current().visibility}>
                  {VISIBILITY_LABELS[current().visibility]}
                </span>
                <span class="badge" data-state={current().state} data-dataset-state={current().state}>
                  {STATE_LABELS[current().state]}
                </span>
                <Show when={embargoed()}>
                  <span class="badge" data-embargo>
                    Embargoed until {formatDate(current().embargoUntil!)}
                  </span>
                </Show>
                <span class="badge">Version {current().version}</span>
              </p>
              <Show when={may('dataset.publish')}>
                <PublishButton dataset={current()} onPublished={() => void dataset.refetch()} />
              </Show>
            </div>
            <Show when={liveProblem()}>
              {(message) => <p class="notice">Live updates are not available for this dataset: {message()}</p>}
            </Show>

            <Show
              when={editing()}
              fallback={
                <>
                  <DatasetMetadata dataset={current()} />
                  <Show when={may('dataset.update')}>
                    <p>
                      <button type="button" class="button" onClick={() => setEditing(true)}>
                        Edit metadata
                      </button>
                    </p>
                  </Show>
                </>
              }
            >
              <DatasetMetadataForm
                heading="Edit metadata"
                submitLabel="Save changes"
                initial={current()}
                withVisibility={false}
                onCancel={() => setEditing(false)}
                onSubmit={async (input) => {
                  await updateDataset(current().id, input);
                  await dataset.refetch();
                  setEditing(false);
                }}
              />
            </Show>
            <Show when={(contributors.data() ?? []).length > 0}>
              <ContributorList contributors={contributors.data()!} />
            </Show>
            <Show when={may('dataset.publish')}>
              <AccessPanel dataset={current()} onChanged={() => void Promise.allSettled([dataset.refetch(), permissions.refetch()])} />
            </Show>

            <Show
              when={!permissions.data() || may('dataset.read-data')}
              fallback={
                <p class="notice" role="status">
                  The data of this dataset are under embargo until {formatDate(current().embargoUntil ?? current().updatedAt)}; until then only its
                  description is public.
                </p>
              }
            >
            <section class="stack-small" aria-labelledby="map-heading">
              <h2 id="map-heading">Map</h2>
              <SamplesMap
                dataset={current()}
                config={config.data()}
                reloadToken={reloadToken()}
                live={live}
                selectedSampleId={selectedSampleId()}
                onSelectSample={setSelectedSampleId}
              />
            </section>

            <section class="stack-small" aria-labelledby="samples-heading">
              <h2 id="samples-heading">Samples</h2>
              <SamplesTable
                live={live}
                datasetId={props.datasetId}
                expectedTotal={current().sampleCount}
                selectedSampleId={selectedSampleId()}
                onSelectSample={setSelectedSampleId}
              />
            </section>

            <section class="stack" aria-labelledby="imports-heading">
              <h2 id="imports-heading">Imports</h2>
              <Show when={may('dataset.edit-data')} fallback={<p class="muted">{currentUser() ? 'Your role in this project does not allow uploads.' : 'Sign in to upload files into this dataset.'}</p>}>
                <UploadForm datasetId={props.datasetId} uploadMaxBytes={config.data()?.uploadMaxBytes} onUploaded={(importId) => void onUploaded(importId)} />
              </Show>
              <Show when={selectedImport()}>
                {(record) => (
                  <ImportStatus record={record()} pace={imports.pace(record().id)} canEdit={may('dataset.edit-data')} onChanged={(changed) => imports.replace(changed)} />
                )}
              </Show>
              <Show when={imports.error()}>
                <ErrorNotice error={imports.error()} title="The imports could not be loaded." onRetry={() => void imports.refresh()} />
              </Show>
              <Show when={imports.loaded()}>
                <ImportsList imports={imports.items()} selectedId={selectedImportId()} onSelect={setSelectedImportId} />
              </Show>
            </section>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}

/**
 * Reloads the dataset when a change event or a room join reports a seq newer than the one the
 * page has read, at most once per RELOAD_DELAY_MS. Seqs the page has already read (its own echo, a
 * replayed event) cause no reload. Returns the function that reports a seq.
 */
function createCatchUp(loadedSeq: () => number | undefined, reload: () => Promise<void>): (seq: number) => void {
  const [reportedSeq, setReportedSeq] = createSignal(0);
  let requestedSeq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  createEffect(() => {
    const loaded = loadedSeq();
    const reported = reportedSeq();
    if (loaded === undefined || reported <= loaded || reported <= requestedSeq || timer !== undefined) return;
    // A pending reload reads everything reported until it starts, so later reports need no timer of their own.
    timer = setTimeout(() => {
      timer = undefined;
      requestedSeq = reportedSeq();
      void reload();
    }, RELOAD_DELAY_MS);
  });

  return (seq) => setReportedSeq((current) => Math.max(current, seq));
}
