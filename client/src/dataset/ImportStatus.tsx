import { createSignal, For, Show } from 'solid-js';
import type { ImportFormat, ImportRecord } from '../../../common/api/imports.js';
import { errorMessage } from '../api/api-error.js';
import { cancelImport, importIssuesUrl } from '../api/imports.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { formatLocalDateTime } from '../format/dates.js';
import {
  formatEta,
  formatRate,
  importProgressValues,
  isFinished,
  PHASE_LABELS,
  STATE_LABELS,
  summariseCounts,
} from '../format/import-progress.js';
import { formatCount, plural } from '../format/numbers.js';
import { ImportReview } from './ImportReview.js';
import type { ImportPace } from './imports-store.js';

/**
 * Shows one import in detail: phase, progress, rate and time left while it runs, the proposed
 * mapping while it waits for review, then its counts or issues. A running import whose worker
 * stopped reporting is shown as stalled.
 */
export function ImportStatus(props: { record: ImportRecord; pace: ImportPace | undefined; canEdit: boolean; onChanged(record: ImportRecord): void }) {
  const values = () => importProgressValues(props.record);
  const running = () => !isFinished(props.record.state);
  const [cancelProblem, setCancelProblem] = createSignal<string | null>(null);
  const [confirmingCancel, setConfirmingCancel] = createSignal(false);
  const tone = () => {
    if (props.record.state === 'completed') return 'success';
    if (props.record.stalled) return 'danger';
    return running() ? 'default' : 'danger';
  };
  const onCancel = async () => {
    setConfirmingCancel(false);
    setCancelProblem(null);
    try {
      props.onChanged(await cancelImport(props.record.id));
    } catch (caught) {
      setCancelProblem(errorMessage(caught));
    }
  };
  const paceText = () => {
    if (!running() || !props.pace) return '';
    return [formatRate(props.pace.ratePerSecond), formatEta(props.pace.etaSeconds)].filter(Boolean).join(' · ');
  };

  return (
    <section class="import-status card" aria-labelledby={`import-${props.record.id}`} data-state={props.record.state}>
      <header class="import-status__header">
        <h3 id={`import-${props.record.id}`}>
          Import of <span class="file-name">{props.record.originalName}</span>
        </h3>
        <span class="badge" data-state={props.record.stalled ? 'failed' : props.record.state}>
          {props.record.stalled ? 'Stalled' : STATE_LABELS[props.record.state]}
        </span>
      </header>

      <Show when={running()}>
        <p class="import-status__phase">{PHASE_LABELS[props.record.phase]}</p>
      </Show>
      <Show when={props.record.state === 'uploading' && props.canEdit}>
        <p class="small muted">If the upload stopped, choose the same file again above: it continues where the server's copy ends.</p>
      </Show>
      <Show when={props.record.stalled}>
        <p class="notice notice--error" role="status">
          The worker processing this import stopped reporting{props.record.heartbeatAt ? ` at ${formatLocalDateTime(props.record.heartbeatAt, 'second')}` : ''}. The
          job is handed to another worker when one is running; nothing is added to the dataset until a load completes.
        </p>
      </Show>
      <ProgressBar label="Import progress" values={values()} tone={tone()} />
      {/* A line that would only repeat the badge ("Failed", "Completed") is left out. */}
      <Show when={values().text !== STATE_LABELS[props.record.state] || paceText()}>
        <p class="import-status__numbers" aria-live="polite">
          <span class="import-status__text">{values().text}</span>
          <Show when={paceText()}>
            <span class="muted"> · {paceText()}</span>
          </Show>
        </p>
      </Show>

      <Show when={props.canEdit && running() && props.record.state !== 'awaiting_review'}>
        {/* A cancel discards the upload and the work done on it, so it is confirmed first. */}
        <Show
          when={confirmingCancel()}
          fallback={
            <div class="button-row">
              <button type="button" class="button button--quiet" onClick={() => setConfirmingCancel(true)}>
                Cancel import
              </button>
            </div>
          }
        >
          <div class="notice import-status__confirm" role="group" aria-label="Confirm the cancel">
            <p>Cancel this import? Nothing from the file is added to the dataset, and the file must be uploaded again to import it.</p>
            <div class="button-row">
              <button type="button" class="button button--danger" onClick={() => void onCancel()}>
                Cancel the import
              </button>
              <button type="button" class="button button--quiet" onClick={() => setConfirmingCancel(false)}>
                Keep importing
              </button>
            </div>
          </div>
        </Show>
      </Show>
      <Show when={cancelProblem()}>
        {(message) => (
          <p class="notice notice--error" role="alert">
            {message()}
          </p>
        )}
      </Show>

      <Show when={props.record.state === 'awaiting_review' && props.record.mapping}>
        {(mapping) => (
          <ImportReview record={props.record} mapping={mapping()} canEdit={props.canEdit} onChanged={props.onChanged}>
            <ImportIssues record={props.record} />
          </ImportReview>
        )}
      </Show>

      <Show when={props.record.state === 'completed'}>
        <p>{summariseCounts(props.record.counts) || 'The import finished.'}</p>
      </Show>
      <Show when={props.record.state === 'failed'}>
        <div class="notice notice--error" role="alert">
          <p>
            <strong>The import failed.</strong> {props.record.error ?? 'The server gave no reason.'}
          </p>
          <p>
            Nothing from this file was added to the dataset.
            {props.record.issues.length > 0 ? ' The problems are listed below.' : ''}
          </p>
        </div>
      </Show>
      <Show when={props.record.state === 'cancelled'}>
        <p class="notice">The import was cancelled; nothing from this file was added to the dataset.</p>
      </Show>

      {/* In review the issues come before the load button, so they are read before the choice. */}
      <Show when={props.record.state !== 'awaiting_review' || !props.record.mapping}>
        <ImportIssues record={props.record} />
      </Show>
    </section>
  );
}

/** Shows the import's issues and the link to download all of them. */
function ImportIssues(props: { record: ImportRecord }) {
  return (
    <>
      <IssueList record={props.record} />
      <Show when={props.record.reportAvailable}>
        <p>
          <a href={importIssuesUrl(props.record.id)} download="">
            {props.record.issueCount === 1 ? 'Download the invalid value as CSV' : `Download all ${plural(props.record.issueCount, 'invalid value')} as CSV`}
          </a>
        </p>
      </Show>
    </>
  );
}

/** The heading of an issue's number in each format: a text line, a sheet row or a GeoJSON feature. */
const ISSUE_PLACE: Record<ImportFormat, string> = { csv: 'Line', xlsx: 'Row', ods: 'Row', geojson: 'Feature' };

/** Lists the rows and values the import could not use, as far as the API returns them (the first ones only). */
function IssueList(props: { record: ImportRecord }) {
  const caption = () => {
    const { issues, issueCount } = props.record;
    if (issueCount > issues.length) return `The first ${formatCount(issues.length)} of ${plural(issueCount, 'issue')}`;
    return plural(issueCount, 'issue');
  };

  return (
    <Show
      when={props.record.issues.length > 0}
      fallback={
        <Show when={props.record.issueCount > 0}>
          <p class="muted">{plural(props.record.issueCount, 'issue')} found so far; the list follows when the import ends.</p>
        </Show>
      }
    >
      <div class="table-scroll">
        <table class="issues">
          <caption>{caption()}</caption>
          <thead>
            <tr>
              <th scope="col" class="is-numeric">
                {ISSUE_PLACE[props.record.format ?? 'csv']}
              </th>
              <th scope="col">Column</th>
              <th scope="col">Value</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.record.issues}>
              {(issue) => (
                <tr>
                  <td class="is-numeric">{issue.line ?? (issue.feature === undefined ? 'whole file' : formatCount(issue.feature))}</td>
                  <td>{issue.column ?? ''}</td>
                  <td class="issues__value">{issue.value ?? ''}</td>
                  <td>{issue.reason}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
