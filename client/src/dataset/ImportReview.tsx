import { createSignal, For, Show, type JSX } from 'solid-js';
import { createStore, type SetStoreFunction } from 'solid-js/store';
import { awaitsTableChoice, TEXT_ENCODINGS, type ImportColumn, type ImportMapping, type ImportMappingUpdate, type ImportRecord } from '../../../common/api/imports.js';
import { errorMessage } from '../api/api-error.js';
import { cancelImport, startImport, updateImportMapping } from '../api/imports.js';
import { plural } from '../format/numbers.js';
import { ArchiveTableSelect } from './ArchiveTableSelect.js';
import { ColumnTable, type ColumnEdit } from './ImportColumnTable.js';
type TextEncodingName = (typeof TEXT_ENCODINGS)[number];
type CsvDelimiter = NonNullable<ImportMappingUpdate['delimiter']>;

const ENCODING_LABELS: Record<TextEncodingName, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252 (Latin-1)' };
const CSV_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|'];
const DELIMITER_LABELS: Record<CsvDelimiter, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'vertical bars' };

/**
 * Shows how the analysis proposes to read a file and map its columns onto the dataset, with
 * example values and what it found. The uploader changes a column's target, type, unit or date
 * order, or the file settings, before the load starts. Changes go to the server, which analyses
 * the file again with them. For a ZIP archive with several tables the uploader first chooses one.
 */
export function ImportReview(props: { record: ImportRecord; mapping: ImportMapping; canEdit: boolean; onChanged(record: ImportRecord): void; children?: JSX.Element }) {
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
      ? `Load the ${plural(validRows(), 'valid row')}, leave out ${plural(props.record.counts.rejectedRows ?? 0, 'row')}`
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
      {/* While a table of the archive is to be chosen, the one issue repeats the note that asks for the choice. */}
      <Show when={!choosing()}>{props.children}</Show>

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
        <Show when={changed() && !choosing()}>
          <p class="muted small">The file is loaded as analysed: apply the changes to analyse it again, then load it.</p>
        </Show>
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
          <select class="control" value={file.sheet ?? props.mapping.sheet ?? ''} onChange={(event) => setFile('sheet', event.currentTarget.value)}>
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
            class="control input--narrow"
            value={file.headerRow ?? props.mapping.headerRow ?? 1}
            onChange={(event) => setFile('headerRow', Number(event.currentTarget.value))}
          />
        </label>
      </Show>
      <Show when={props.mapping.encoding !== null && props.mapping.format === 'csv'}>
        <label>
          Encoding{' '}
          <select class="control" value={file.encoding ?? props.mapping.encoding ?? 'utf-8'} onChange={(event) => setFile('encoding', event.currentTarget.value as TextEncodingName)}>
            <For each={TEXT_ENCODINGS}>{(encoding) => <option value={encoding}>{ENCODING_LABELS[encoding]}</option>}</For>
          </select>
        </label>
        <label>
          Columns separated by{' '}
          <select class="control" value={file.delimiter ?? props.mapping.delimiter ?? ','} onChange={(event) => setFile('delimiter', event.currentTarget.value as CsvDelimiter)}>
            <For each={CSV_DELIMITERS}>{(delimiter) => <option value={delimiter}>{DELIMITER_LABELS[delimiter]}</option>}</For>
          </select>
        </label>
      </Show>
      <label>
        Decimal mark{' '}
        <select class="control" value={file.decimalMark ?? props.mapping.decimalMark} onChange={(event) => setFile('decimalMark', event.currentTarget.value as '.' | ',')}>
          <option value=".">. (point)</option>
          <option value=",">, (comma)</option>
        </select>
      </label>
      <label>
        EPSG code of the coordinates{' '}
        <input
          type="number"
          class="control input--narrow"
          placeholder="4326"
          value={file.crs ?? props.mapping.crs ?? ''}
          onChange={(event) => setFile('crs', event.currentTarget.value === '' ? null : Number(event.currentTarget.value))}
        />
      </label>
      <label class="import-review__missing">
        Missing-value codes{' '}
        <input
          type="text"
          class="control"
          value={(file.missingValues ?? props.mapping.missingValues).join(', ')}
          onChange={(event) => setFile('missingValues', event.currentTarget.value.split(',').map((code) => code.trim()).filter(Boolean))}
        />
      </label>
    </>
  );
}
