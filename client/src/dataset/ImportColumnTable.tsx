import { For, Show } from 'solid-js';
import { FIELD_TYPES } from '../../../common/api/fields.js';
import {
  COLUMN_TARGETS,
  DATE_ORDERS,
  type CoordinateNotation,
  type ImportColumn,
  type ImportMapping,
  type ImportMappingUpdate,
  type ImportQualifiedExample,
} from '../../../common/api/imports.js';
import { formatCount, plural } from '../format/numbers.js';

// Examples up to this many characters stay on one line, so a number or a date is never split.
const LONG_EXAMPLE = 24;

/** A change the uploader made to one column of the proposed mapping. */
export type ColumnEdit = NonNullable<ImportMappingUpdate['columns']>[number];

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
// Decimal degrees need no note, because a coordinate column is read in them unless its values show another notation.
const NOTATION_NOTES: Record<CoordinateNotation, string | null> = {
  decimal: null,
  ddm: 'Read as degrees and decimal minutes.',
  dms: 'Read as degrees, minutes and seconds.',
  mixed: 'Read in more than one notation: decimal degrees, degrees and minutes, or degrees, minutes and seconds.',
};

/** Builds the note on a numeric column's detection-limit cells, which the grid shows with their qualifier. */
function qualifiedNote(count: number, example: ImportQualifiedExample | undefined): string {
  const cells = count === 1 ? '1 cell is a detection limit' : `${formatCount(count)} cells are detection limits`;
  const storage = count === 1 ? 'kept with its qualifier and also stored as a measurement' : 'kept with their qualifier and also stored as measurements';
  const instance = example ? `"${example.text}" (read as ${qualifiedReading(example)})` : '"<0.01" or "BDL"';
  return `${cells} such as ${instance}, ${storage}.`;
}

/** Says how a detection-limit cell is read: "below 0.01", "above 1000" or "below the detection limit". */
function qualifiedReading(example: ImportQualifiedExample): string {
  if (example.value === null) return 'below the detection limit';
  return `${example.qualifier === '<' ? 'below' : 'above'} ${String(example.value)}`;
}

interface ColumnControls {
  canEdit: boolean;
  busy: boolean;
  edit(column: ImportColumn, change: Partial<ColumnEdit>): void;
  valueOf<K extends keyof ColumnEdit>(column: ImportColumn, key: K, fallback: ColumnEdit[K]): ColumnEdit[K];
}

/** Shows the file's columns with examples and counts, and what each becomes in the dataset. */
export function ColumnTable(props: ColumnControls & { mapping: ImportMapping }) {
  return (
    <div class="table-scroll">
      <table class="data-table import-review__columns">
        <caption>
          {plural(props.mapping.columns.length, 'column')}, {plural(props.mapping.rows, 'row')}
        </caption>
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
          </tr>
        </thead>
        <tbody>
          <For each={props.mapping.columns}>{(column) => <ColumnRow column={column} {...props} />}</For>
        </tbody>
      </table>
    </div>
  );
}

function ColumnRow(props: ColumnControls & { column: ImportColumn }) {
  const column = () => props.column;
  const name = () => column().header || column().key;
  const target = () => props.valueOf(column(), 'target', column().target);
  const fromExistingField = () => column().existingField && target() === 'field';
  const lockedId = () => `import-column-${column().index}-locked`;
  const lockedReason = () => `Type and unit are those of the dataset's field “${column().label}”. To change them, change that field with its ⋯ button in the samples table.`;
  const typeDisabled = () => !props.canEdit || props.busy || column().existingField || target() !== 'field';
  const chosenType = () => props.valueOf(column(), 'type', column().type);
  const notationNote = () => (column().coordinateNotation === null ? null : NOTATION_NOTES[column().coordinateNotation!]);
  const showsQualified = () => column().qualified > 0 && target() === 'field' && (chosenType() === 'number' || chosenType() === 'integer');
  const hasNotes = () => fromExistingField() || column().notes.length > 0 || notationNote() !== null || showsQualified();
  return (
    <>
    <tr data-column={column().index} classList={{ 'has-issues': column().invalid > 0 }}>
      <th scope="row">
        <span class="file-name">{column().header || `(no header)`}</span>
        {/* The key names a field, so it means nothing for a column that becomes a sample property. */}
        <Show when={column().key !== column().header && target() === 'field'}>
          <span class="muted small"> as {column().key}</span>
        </Show>
      </th>
      <td class="import-review__examples">
        <ul class="import-review__example-list">
          <For each={column().examples}>{(example) => <li classList={{ 'is-long': example.length > LONG_EXAMPLE }}>{example}</li>}</For>
        </ul>
      </td>
      <td>
        <select
          class="control"
          aria-label={`What ${name()} becomes`}
          disabled={!props.canEdit || props.busy}
          value={target()}
          onChange={(event) => props.edit(column(), { target: event.currentTarget.value as ColumnEdit['target'] })}
        >
          <For each={COLUMN_TARGETS}>{(option) => <option value={option}>{TARGET_LABELS[option]}</option>}</For>
        </select>
      </td>
      <td>
        <select
          class="control"
          aria-label={`Type of ${name()}`}
          aria-describedby={fromExistingField() ? lockedId() : undefined}
          title={fromExistingField() ? lockedReason() : undefined}
          disabled={typeDisabled()}
          value={chosenType()}
          onChange={(event) => props.edit(column(), { type: event.currentTarget.value as ColumnEdit['type'] })}
        >
          <For each={FIELD_TYPES}>{(type) => <option value={type}>{type}</option>}</For>
        </select>
      </td>
      <td>
        <input
          type="text"
          class="control input--narrow"
          aria-label={`Unit of ${name()}`}
          aria-describedby={fromExistingField() ? lockedId() : undefined}
          title={fromExistingField() ? lockedReason() : undefined}
          disabled={typeDisabled()}
          value={props.valueOf(column(), 'unit', column().unit) ?? ''}
          onChange={(event) => props.edit(column(), { unit: event.currentTarget.value.trim() === '' ? null : event.currentTarget.value.trim() })}
        />
      </td>
      <td>
        <DateOrderCell {...props} />
      </td>
      <td class="is-numeric">{formatCount(column().invalid)}</td>
    </tr>
    {/* Notes take a row of their own under the column, so they read in full at any width. */}
    <Show when={hasNotes()}>
      <tr class="import-review__notes-row" data-column-notes={column().index} classList={{ 'has-issues': column().invalid > 0 }}>
        <td aria-hidden="true" />
        <td colspan="6" class="import-review__column-notes">
          <Show when={fromExistingField()}>
            <p id={lockedId()} class="small import-review__locked">
              Type and unit are those of the dataset's field “{column().label}”. Change that field itself to change them.
            </p>
          </Show>
          <For each={column().notes}>{(note) => <p class="small">{note}</p>}</For>
          <Show when={notationNote()}>{(note) => <p class="small">{note()}</p>}</Show>
          <Show when={showsQualified()}>
            <p class="small">{qualifiedNote(column().qualified, column().qualifiedExample)}</p>
          </Show>
        </td>
      </tr>
    </Show>
    </>
  );
}

function DateOrderCell(props: ColumnControls & { column: ImportColumn }) {
  const column = () => props.column;
  return (
    <Show when={column().dateOrder !== null} fallback={<span class="muted">—</span>}>
      <div class="import-review__date-order">
        <select
          class="control"
          aria-label={`Date order of ${column().header || column().key}`}
          disabled={!props.canEdit || props.busy}
          value={props.valueOf(column(), 'dateOrder', column().dateOrder!)}
          onChange={(event) => props.edit(column(), { dateOrder: event.currentTarget.value as ColumnEdit['dateOrder'] })}
        >
          <For each={DATE_ORDERS}>{(order) => <option value={order}>{DATE_ORDER_LABELS[order]}</option>}</For>
        </select>
        <Show when={column().dateOrderAmbiguous}>
          <span class="badge" data-state="failed">
            ambiguous
          </span>
        </Show>
      </div>
    </Show>
  );
}
