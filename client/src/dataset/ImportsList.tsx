import { For, Show } from 'solid-js';
import type { ImportRecord } from '../../../common/api/imports.js';
import { formatLocalDateTime } from '../format/dates.js';
import { errorSummary, STATE_LABELS } from '../format/import-progress.js';
import { formatBytes, formatCount } from '../format/numbers.js';

/**
 * Lists the dataset's recent imports with their states, and the first line of the error under a
 * failed one. Choosing one shows its details above the list.
 */
export function ImportsList(props: { imports: ImportRecord[]; selectedId: string | null; onSelect(importId: string): void }) {
  const rowsText = (record: ImportRecord) => {
    if (record.rowsTotal !== null) return `${formatCount(record.rowsDone)} of ${formatCount(record.rowsTotal)}`;
    return record.rowsDone > 0 ? formatCount(record.rowsDone) : '';
  };

  return (
    <Show when={props.imports.length > 0} fallback={<p class="muted">No files have been uploaded into this dataset yet.</p>}>
      <div class="table-scroll">
        <table class="imports">
          <caption class="visually-hidden">Recent imports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" class="is-numeric">
                Size
              </th>
              <th scope="col">Uploaded</th>
              <th scope="col">State</th>
              <th scope="col" class="is-numeric">
                Rows
              </th>
              <th scope="col" class="is-numeric">
                Issues
              </th>
              <th scope="col">
                <span class="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={props.imports}>
              {(record) => (
                <tr classList={{ 'is-selected': record.id === props.selectedId }} data-import-id={record.id}>
                  <td class="file-name">{record.originalName}</td>
                  <td class="is-numeric">{formatBytes(record.sizeBytes)}</td>
                  <td>{formatLocalDateTime(record.createdAt)}</td>
                  <td>
                    <span class="badge" data-state={record.state}>
                      {STATE_LABELS[record.state]}
                    </span>
                    <Show when={record.state === 'failed' && errorSummary(record.error)}>
                      {(reason) => (
                        <p class="imports__reason small" title={record.error ?? undefined}>
                          {reason()}
                        </p>
                      )}
                    </Show>
                  </td>
                  <td class="is-numeric">{rowsText(record)}</td>
                  <td class="is-numeric">{formatCount(record.issueCount)}</td>
                  <td>
                    <button
                      type="button"
                      class="button button--small button--quiet"
                      aria-pressed={record.id === props.selectedId}
                      onClick={() => props.onSelect(record.id)}
                    >
                      Details
                    </button>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
