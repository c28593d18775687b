import { For, Show } from 'solid-js';
import type { CellHistoryEntry } from '../../../../common/api/history.js';
import { fetchCellHistory } from '../../api/live-editing.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatLocalDateTime } from '../../format/dates.js';
import { createQuery } from '../../state/query.js';

/** Lists the changes of one cell: who (or which import) changed it, when, and its old and new value. */
export function CellHistoryPanel(props: { datasetId: string; sampleId: string; cell: string; label: string; version: number; onClose: () => void }) {
  const history = createQuery(
    () => `${props.sampleId}|${props.cell}|${props.version}`,
    () => fetchCellHistory(props.datasetId, props.sampleId, props.cell),
  );
  return (
    <aside class="history-panel" aria-labelledby="history-title">
      <div class="history-panel__head">
        <h3 id="history-title">History of {props.label}</h3>
        <button type="button" class="button button--small button--quiet" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
      <Show when={history.error()}>
        <ErrorNotice error={history.error()} title="The history could not be loaded." onRetry={() => void history.refetch()} />
      </Show>
      <Show when={history.data()} fallback={<p class="muted">Loading…</p>}>
        {(entries) => (
          <Show when={entries().length > 0} fallback={<p class="muted">No recorded changes.</p>}>
            <ol class="history-list">
              <For each={entries()}>{(entry) => <HistoryItem entry={entry} />}</For>
            </ol>
          </Show>
        )}
      </Show>
    </aside>
  );
}

function HistoryItem(props: { entry: CellHistoryEntry }) {
  const who = () => (props.entry.author.type === 'user' ? props.entry.author.displayName : 'Import');
  const what = () => {
    if (props.entry.cell === 'row') return props.entry.newValue === null ? 'deleted the row' : 'added the row';
    if (props.entry.kind === 'import') return `imported ${valueText(props.entry.newValue)}`;
    return `${valueText(props.entry.oldValue)} → ${valueText(props.entry.newValue)}`;
  };
  return (
    <li>
      <span class="history-list__who">{who()}</span>
      <Show when={props.entry.kind === 'undo' || props.entry.kind === 'redo'}>
        <span class="badge">{props.entry.kind}</span>
      </Show>
      <span class="history-list__what">{what()}</span>
      <time class="muted" dateTime={props.entry.changedAt}>
        {formatLocalDateTime(props.entry.changedAt, 'second')}
      </time>
    </li>
  );
}

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'object') {
    const point = value as { type?: string; coordinates?: number[] };
    if (point.type === 'Point' && point.coordinates) return `${point.coordinates[1]}, ${point.coordinates[0]}`;
    return JSON.stringify(value);
  }
  return String(value);
}
