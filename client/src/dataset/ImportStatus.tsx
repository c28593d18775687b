import { For, Show } from 'solid-js';
import type { ImportRecord } from '../../../common/api/imports.js';
import { ProgressBar } from '../components/ProgressBar.js';
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
import type { ImportPace } from './imports-store.js';

/** Shows one import in detail: phase, progress, rate and time left while it runs, then its counts or issues. */
export function ImportStatus(props: { record: ImportRecord; pace: ImportPace | undefined }) {
  const values = () => importProgressValues(props.record);
  const running = () => !isFinished(props.record.state);
  const tone = () => {
    if (props.record.state === 'completed') return 'success';
    return running() ? 'default' : 'danger';
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
        <span class="badge" data-state={props.record.state}>
          {STATE_LABELS[props.record.state]}
        </span>
      </header>

      <Show when={running()}>
        <p class="import-status__phase">{PHASE_LABELS[props.record.phase]}</p>
      </Show>
      <ProgressBar label="Import progress" values={values()} tone={tone()} />
      <p class="import-status__numbers" aria-live="polite">
        <span class="import-status__text">{values().text}</span>
        <Show when={paceText()}>
          <span class="muted"> · {paceText()}</span>
        </Show>
      </p>

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

      <IssueList record={props.record} />
    </section>
  );
}

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
                Line
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
                  <td class="is-numeric">{issue.line ?? 'whole file'}</td>
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
