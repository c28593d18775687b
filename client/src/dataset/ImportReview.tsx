import { createSignal, For, Show } from 'solid-js';
import { createStore, type SetStoreFunction } from 'solid-js/store';
import { FIELD_TYPES } from '../../../common/api/fields.js';
import {
  awaitsTableChoice,
  COLUMN_TARGETS,
  DATE_ORDERS,
  type ImportColumn,
  type ImportMapping,
  type ImportMappingUpdate,
  type ImportRecord,
} from '../../../common/api/imports.js';
import { errorMessage } from '../api/api-error.js';
import { cancelImport, startImport, updateImportMapping } from '../api/imports.js';
import { formatCount, plural } from '../format/numbers.js';
import { ArchiveTableSelect } from './ArchiveTableSelect.js';

type ColumnEdit = NonNullable<ImportMappingUpdate['columns']>[number];

const TARGET_LABELS: Record<(typeof COLUMN_TARGETS)[number], string> = {
  field: 'a field',
  name: 'the sample name',
  latitude: 'the latitude',
  longitude: 'the longitude',
  geometry: 'the location (geometry)',
  collected_at: 'the collection time',
  elevation: 'the elevation',
  skip: 'nothing (skip)',
};
const DATE_ORDER_LABELS: Record<(typeof DATE_ORDERS)[number], string> = { dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year/month/day' };
const ENCODING_LABELS: Record<string, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252' };
const DELIMITER_LABELS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar' };

/**
 * Shows how the analysis proposes to read a file and map its columns onto the dataset, with
 * example values and what it found. The uploader changes a column's target, type, unit or date
 * order, or the file settings, before the load starts. Changes go to the server, which analyses
 * the file again with them. For a ZIP archive with several tables the uploader first chooses one.
 */
export function ImportReview(props: { record: ImportRecord; mapping: ImportMapping; canEdit: boolean; onChanged(record: ImportRecord): void }) {
  const [edits, setEdits] = createStore<Record<number, ColumnEdit>>({});
  const [file, setFile] = createStore<ImportMappingUpdate>({});
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const changed = () => Object.keys(edits).length > 0 || Object.keys(file).length > 0;
  const choosing = () => awaitsTableChoice(props.mapping);

  const edit = (column: ImportColumn, change: Partial<ColumnEdit>) => setEdits(column.index, { index: column.index, ...edits[column.index], ...change });
  const valueOf = <K extends keyof ColumnEdit>(column: ImportColumn, key: K, fallback: ColumnEdit[K]) => edits[column.index]?.[key] ?? fallback;

  const run = async (action: () => Promise<ImportRecord>) => {
    setBusy(true);
    setProblem(null);
    try {
      props.onChanged(await action());
    } catch (caught) {
      setProblem(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const apply = () => run(() => updateImportMapping(props.record.id, { ...file, columns: Object.values(edits) }));
  const start = () => run(() => startImport(props.record.id, props.record.issueCount > 0 ? 'skip' : 'reject'));
  const cancel = () => run(() => cancelImport(props.record.id));

  const validRows = () => Math.max(0, props.mapping.rows - (props.record.counts.rejectedRows ?? 0));
  const startLabel = () =>
    props.record.issueCount > 0
      ? `Load the ${formatCount(validRows())} valid rows, leave out ${plural(props.record.counts.rejectedRows ?? 0, 'row')}`
      : `Load ${plural(props.mapping.rows, 'row')}`;

  return (
    <section class="import-review stack" aria-labelledby={`review-${props.record.id}`}>
      <h4 id={`review-${props.record.id}`}>Check how the file will be read</h4>
      <ul class="import-review__notes">
        <For each={props.mapping.notes}>{(note) => <li>{note}</li>}</For>
      </ul>

      <fieldset class="import-review__file" disabled={!props.canEdit || busy()}>
        <legend>File settings</legend>
        <Show when={props.mapping.entries.length > 1}>
          <ArchiveTableSelect entries={props.mapping.entries} chosen={file.entry ?? props.mapping.entry} onChoose={(path) => setFile('entry', path)} />
        </Show>
        <Show when={!choosing()}>
          <FileSettings mapping={props.mapping} file={file} setFile={setFile} />
        </Show>
      </fieldset>

      <Show when={!choosing()}>
        <ColumnTable mapping={props.mapping} canEdit={props.canEdit} busy={busy()} edit={edit} valueOf={valueOf} />
      </Show>

      <Show when={problem()}>
        {(message) => (
          <p class="notice notice--error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={props.canEdit}>
        <div class="button-row">
          <Show when={changed()}>
            <button type="button" class="button" disabled={busy()} onClick={() => void apply()}>
              {choosing() ? 'Analyse the chosen table' : 'Apply changes and analyse again'}
            </button>
          </Show>
          <Show when={!choosing()}>
            <button type="button" class="button button--primary" disabled={busy() || changed() || validRows() === 0} onClick={() => void start()}>
              {startLabel()}
            </button>
          </Show>
          <button type="button" class="button button--quiet" disabled={busy()} onClick={() => void cancel()}>
            Cancel import
          </button>
        </div>
      </Show>
    </section>
  );
}

/** Shows how the file is read (sheet, header row, encoding, decimal mark, coordinates, missing values) for changing. */
function FileSettings(props: { mapping: ImportMapping; file: ImportMappingUpdate; setFile: SetStoreFunction<ImportMappingUpdate> }) {
  const file = props.file;
  const setFile = props.setFile;
  return (
    <>
      <Show when={props.mapping.sheets.length > 1}>
        <label>
          Sheet{' '}
          <select value={file.sheet ?? props.mapping.sheet ?? ''} onChange={(event) => setFile('sheet', event.currentTarget.value)}>
            <For each={props.mapping.sheets}>{(sheet) => <option value={sheet}>{sheet}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={props.mapping.headerRow !== null}>
        <label>
          Header on {props.mapping.format === 'csv' ? 'line' : 'row'}{' '}
          <input
            type="number"
            min="1"
            class="input--narrow"
            value={file.headerRow ?? props.mapping.headerRow ?? 1}
            onChange={(event) => setFile('headerRow', Number(event.currentTarget.value))}
          />
        </label>
      </Show>
      <Show when={props.mapping.encoding !== null && props.mapping.format === 'csv'}>
        <span>
          Encoding {ENCODING_LABELS[props.mapping.encoding!] ?? props.mapping.encoding}, columns separated by {DELIMITER_LABELS[props.mapping.delimiter ?? ','] ?? props.mapping.delimiter}
        </span>
      </Show>
      <label>
        Decimal mark{' '}
        <select value={file.decimalMark ?? props.mapping.decimalMark} onChange={(event) => setFile('decimalMark', event.currentTarget.value as '.' | ',')}>
          <option value=".">. (point)</option>
          <option value=",">, (comma)</option>
        </select>
      </label>
      <label>
        EPSG code of the coordinates{' '}
        <input
          type="number"
          class="input--narrow"
          placeholder="4326"
          value={file.crs ?? props.mapping.crs ?? ''}
          onChange={(event) => setFile('crs', event.currentTarget.value === '' ? null : Number(event.currentTarget.value))}
        />
      </label>
      <label>
        Missing-value codes{' '}
        <input
          type="text"
          value={(file.missingValues ?? props.mapping.missingValues).join(', ')}
          onChange={(event) => setFile('missingValues', event.currentTarget.value.split(',').map((code) => code.trim()).filter(Boolean))}
        />
      </label>
    </>
  );
}

/** Shows the file's columns with examples and counts, and what each becomes in the dataset. */
function ColumnTable(props: {
  mapping: ImportMapping;
  canEdit: boolean;
  busy: boolean;
  edit(column: ImportColumn, change: Partial<ColumnEdit>): void;
  valueOf<K extends keyof ColumnEdit>(column: ImportColumn, key: K, fallback: ColumnEdit[K]): ColumnEdit[K];
}) {
  const edit = props.edit;
  const valueOf = props.valueOf;
  return (
    <div class="table-scroll">
      <table class="import-review__columns">
        <caption>{plural(props.mapping.columns.length, 'column')}, {plural(props.mapping.rows, 'row')}</caption>
        <thead>
          <tr>
            <th scope="col">Column in the file</th>
            <th scope="col">Examples</th>
            <th scope="col">Becomes</th>
            <th scope="col">Type</th>
            <th scope="col">Unit</th>
            <th scope="col">Dates</th>
            <th scope="col" class="is-numeric">
              Invalid
            </th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.mapping.columns}>
            {(column) => (
              <tr data-column={column.index} classList={{ 'has-issues': column.invalid > 0 }}>
                <th scope="row">
                  <span class="file-name">{column.header || `(no header)`}</span>
                  <Show when={column.key !== column.header}>
                    <span class="muted small"> as {column.key}</span>
                  </Show>
                </th>
                <td class="import-review__examples">{column.examples.join(' · ')}</td>
                <td>
                  <select
                    aria-label={`What ${column.header || column.key} becomes`}
                    disabled={!props.canEdit || props.busy}
                    value={valueOf(column, 'target', column.target)}
                    onChange={(event) => edit(column, { target: event.currentTarget.value as ColumnEdit['target'] })}
                  >
                    <For each={COLUMN_TARGETS}>{(target) => <option value={target}>{TARGET_LABELS[target]}</option>}</For>
                  </select>
                </td>
                <td>
                  <select
                    aria-label={`Type of ${column.header || column.key}`}
                    disabled={!props.canEdit || props.busy || column.existingField || valueOf(column, 'target', column.target) !== 'field'}
                    value={valueOf(column, 'type', column.type)}
                    onChange={(event) => edit(column, { type: event.currentTarget.value as ColumnEdit['type'] })}
                  >
                    <For each={FIELD_TYPES}>{(type) => <option value={type}>{type}</option>}</For>
                  </select>
                </td>
                <td>
                  <input
                    type="text"
                    class="input--narrow"
                    aria-label={`Unit of ${column.header || column.key}`}
                    disabled={!props.canEdit || props.busy || column.existingField || column.target !== 'field'}
                    value={valueOf(column, 'unit', column.unit) ?? ''}
                    onChange={(event) => edit(column, { unit: event.currentTarget.value.trim() === '' ? null : event.currentTarget.value.trim() })}
                  />
                </td>
                <td>
                  <Show when={column.dateOrder !== null} fallback={<span class="muted">—</span>}>
                    <select
                      aria-label={`Date order of ${column.header || column.key}`}
                      disabled={!props.canEdit || props.busy}
                      value={valueOf(column, 'dateOrder', column.dateOrder!)}
                      onChange={(event) => edit(column, { dateOrder: event.currentTarget.value as ColumnEdit['dateOrder'] })}
                    >
                      <For each={DATE_ORDERS}>{(order) => <option value={order}>{DATE_ORDER_LABELS[order]}</option>}</For>
                    </select>
                    <Show when={column.dateOrderAmbiguous}>
                      <span class="badge" data-state="failed">
                        ambiguous
                      </span>
                    </Show>
                  </Show>
                </td>
                <td class="is-numeric">{formatCount(column.invalid)}</td>
                <td class="import-review__column-notes">
                  <For each={column.notes}>{(note) => <p class="small">{note}</p>}</For>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
