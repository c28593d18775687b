import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { Field } from '../../../common/api/fields.js';
import type { Sample } from '../../../common/api/samples.js';
import { errorMessage } from '../api/api-error.js';
import { isAbort } from '../api/http.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { plural } from '../format/numbers.js';
import type { LiveDataset } from '../realtime/live-dataset.js';
import { cellInput, cellLabel, columnCell, editableText, parseClipboardTable } from './cell-input.js';
import { CellHistoryPanel } from './editing/CellHistoryPanel.js';
import { ConflictDialog } from './editing/ConflictDialog.js';
import { FieldEditor } from './editing/FieldEditor.js';
import { PresenceBar } from './editing/PresenceBar.js';
import { pasteOps, pasteTooLargeMessage, rowsWithinEditLimits, type CellPosition } from './paste-edit.js';
import { sampleColumns, type SampleColumn } from './sample-columns.js';

/** Height of one row in CSS pixels; styles.css gives `.grid__row` the same height. */
const ROW_HEIGHT = 32;
const MAX_BODY_HEIGHT = 480;
const PAGE_ROWS = 10;

/**
 * The cell being edited, by row id and column id, so the editor stays on its cell when rows are
 * inserted or deleted above it. `baseSeq` is the table's seq when editing started, so a change
 * someone else makes to the cell meanwhile is reported as a conflict.
 */
interface Editing {
  sampleId: string;
  columnId: string;
  text: string;
  baseSeq: number;
}

/**
 * Shows the dataset's samples in a virtualised, editable grid. Only the rows in view and a few
 * around them are in the DOM and loaded, whatever the row count. Cell values are inserted as
 * text, never as HTML.
 *
 * Keys: arrows, Tab, Home/End, Ctrl+Home/Ctrl+End and PageUp/PageDown move. Enter, F2 or typing
 * edits, Enter or Tab saves and Escape cancels. Delete clears, and Ctrl+Z and Ctrl+Y undo and
 * redo. A block pasted from a spreadsheet becomes one edit.
 */
export function SamplesTable(props: {
  live: LiveDataset;
  datasetId: string;
  expectedTotal: number;
  selectedSampleId: string | null;
  onSelectSample: (sampleId: string | null) => void;
}) {
  const live = props.live;
  const columns = createMemo(() => sampleColumns(live.fields()));
  /** Every column label shown so far, so a conflict on a field removed meanwhile still names it. */
  const shownLabels = new Map<string, string>();
  createEffect(() => {
    for (const column of columns()) shownLabels.set(column.id, column.label);
  });
  const template = () => columns().map((column) => `${column.width}px`).join(' ');
  const width = () => columns().reduce((sum, column) => sum + column.width, 0);
  const count = () => live.count(props.expectedTotal);
  const [selected, setSelected] = createSignal<CellPosition | null>(null);
  const [editing, setEditing] = createSignal<Editing | null>(null);
  const [inputProblem, setInputProblem] = createSignal<string | null>(null);
  const [fieldEditor, setFieldEditor] = createSignal<{ field: Field | null } | null>(null);
  const [historyOpen, setHistoryOpen] = createSignal(false);
  /** True while the rows a paste covers are read, before its edit is built. */
  const [pasting, setPasting] = createSignal(false);
  let scrollElement: HTMLDivElement | undefined;

  const virtualizer = createVirtualizer({
    get count() {
      return count();
    },
    getScrollElement: () => scrollElement ?? null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  createEffect(() => {
    live.version();
    const items = virtualizer.getVirtualItems();
    const first = items[0]?.index ?? 0;
    const last = items.at(-1)?.index ?? 0;
    live.ensureLoaded(first, last);
  });

  /** Cells others have focused, keyed `sampleId|columnId`, for the coloured outlines. */
  const focusedCells = createMemo(() => {
    const cells = new Map<string, { colour: string; name: string; editing: boolean }>();
    for (const viewer of live.viewers()) {
      const focus = viewer.focus;
      if (!focus?.sampleId || !focus.column) continue;
      cells.set(`${focus.sampleId}|${focus.column}`, { colour: viewer.colour, name: viewer.name, editing: focus.editing });
    }
    return cells;
  });

  const selectedSample = () => {
    const position = selected();
    return position ? live.rowAt(position.row) : undefined;
  };
  const selectedColumn = () => {
    const position = selected();
    return position ? columns()[position.col] : undefined;
  };

  // Tell the others what is focused, and the map which sample is selected.
  createEffect(() => {
    const sample = selectedSample();
    const column = selectedColumn();
    live.focus(sample && column ? { sampleId: sample.id, column: column.id, editing: editing() !== null } : null);
  });
  // A memo, so only a change of id reaches the map. Every read of rows moves the table's version,
  // and reporting the old id then would undo a pick on the map whose rows are still being read.
  const selectedRowId = createMemo(() => selectedSample()?.id ?? null);
  createEffect(on(selectedRowId, (id) => props.onSelectSample(id), { defer: true }));

  // A sample picked on the map is selected and scrolled into view, after reading its rows when the grid has not.
  const showPicked = (index: number) => {
    setSelected({ row: index, col: selected()?.col ?? 0 });
    virtualizer.scrollToIndex(index, { align: 'center' });
  };
  createEffect(
    on(
      () => props.selectedSampleId,
      (id) => {
        if (!id || selectedSample()?.id === id) return;
        const index = live.indexOf(id);
        if (index >= 0) {
          showPicked(index);
          return;
        }
        void live.locate(id).then((located) => {
          if (located >= 0 && props.selectedSampleId === id) showPicked(located);
        });
      },
      { defer: true },
    ),
  );

  const move = (rowDelta: number, colDelta: number) => {
    const position = selected() ?? { row: 0, col: 0 };
    const row = Math.max(0, Math.min(count() - 1, position.row + rowDelta));
    const col = Math.max(0, Math.min(columns().length - 1, position.col + colDelta));
    select({ row, col });
  };

  /** Scrolls the grid sideways to show a column whole; the cell itself may not be drawn yet. */
  const revealColumn = (col: number) => {
    // The first column (the name) stays in view, and other columns pass under it.
    if (!scrollElement || col === 0) return;
    const pinned = columns()[0]?.width ?? 0;
    const left = columns()
      .slice(0, col)
      .reduce((sum, column) => sum + column.width, 0);
    const right = left + (columns()[col]?.width ?? 0);
    if (left - pinned < scrollElement.scrollLeft) scrollElement.scrollLeft = left - pinned;
    else if (right > scrollElement.scrollLeft + scrollElement.clientWidth) scrollElement.scrollLeft = right - scrollElement.clientWidth;
  };

  // The history panel takes width from the grid, which would hide a selected cell in a right-hand
  // column under the grid's edge. Scroll it back into view once the panel is laid out.
  createEffect(() => {
    const position = selected();
    if (!historyOpen() || !position) return;
    requestAnimationFrame(() => revealColumn(position.col));
  });

  const select = (position: CellPosition) => {
    setSelected(position);
    virtualizer.scrollToIndex(position.row, { align: 'auto' });
    // A far row is drawn only after its rows are read, so the cell below may not exist yet.
    revealColumn(position.col);
    queueMicrotask(() => scrollElement?.querySelector('.grid__cell.is-selected')?.scrollIntoView({ block: 'nearest', inline: 'nearest' }));
  };

  const startEditing = (initial?: string) => {
    const sample = selectedSample();
    const column = selectedColumn();
    if (!sample || !column || !live.canEdit()) return;
    setInputProblem(null);
    draft = null;
    setEditing({ sampleId: sample.id, columnId: column.id, text: initial ?? editableText(column.id, sample, (column.rawText ?? column.text)(sample)), baseSeq: live.table.seq });
  };

  // The open editor's text. A change from someone else can draw the editor's cell again and so
  // replace the editor. The new editor starts from this text, so typing goes on uninterrupted.
  let draft: string | null = null;
  let openEditors = 0;
  const editorOpened = () => {
    openEditors += 1;
  };
  /**
   * Counts an editor that left the page. One taken away without a commit or cancel, and not drawn
   * again, e.g. scrolled out of view, has its text committed.
   */
  const editorClosed = (finished: boolean) => {
    openEditors -= 1;
    if (finished) return;
    queueMicrotask(() => {
      const current = editing();
      if (openEditors === 0 && current) commit(draft ?? current.text, 'stay');
    });
  };

  const commit = (text: string, then: 'down' | 'right' | 'stay') => {
    const current = editing();
    if (!current) return;
    const index = live.indexOf(current.sampleId);
    const sample = index >= 0 ? live.rowAt(index) : undefined;
    const column = columns().find((candidate) => candidate.id === current.columnId);
    setEditing(null);
    draft = null;
    if (sample && column) apply(column, sample, text, current.baseSeq);
    if (then === 'down') move(1, 0);
    if (then === 'right') move(0, 1);
    scrollElement?.focus();
  };

  const apply = (column: SampleColumn, sample: Sample, text: string, baseSeq: number) => {
    const input = cellInput(column.id, sample, text, live.fields());
    if (!input.ok) {
      // The selection may have moved on by now, so the message names the row.
      setInputProblem(`Not saved in row ${rowName(sample, live.indexOf(sample.id))}: ${input.problem}`);
      return;
    }
    setInputProblem(null);
    live.edit([input.op], { baseSeq });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (editing() || fieldEditor()) return;
    const ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && (event.key === 'z' || event.key === 'Z') && !event.shiftKey) return handled(event, () => live.undo());
    if (ctrl && (event.key === 'y' || ((event.key === 'z' || event.key === 'Z') && event.shiftKey))) return handled(event, () => live.redo());
    // As in spreadsheets: Ctrl+Home goes to the first cell, Ctrl+End to the last row's last cell.
    if (ctrl && event.key === 'Home') return handled(event, () => select({ row: 0, col: 0 }));
    if (ctrl && event.key === 'End') return handled(event, () => select({ row: Math.max(0, count() - 1), col: columns().length - 1 }));
    if (ctrl) return;

    switch (event.key) {
      case 'ArrowDown':
        return handled(event, () => move(1, 0));
      case 'ArrowUp':
        return handled(event, () => move(-1, 0));
      case 'ArrowRight':
        return handled(event, () => move(0, 1));
      case 'ArrowLeft':
        return handled(event, () => move(0, -1));
      case 'Tab':
        return handled(event, () => move(0, event.shiftKey ? -1 : 1));
      case 'PageDown':
        return handled(event, () => move(PAGE_ROWS, 0));
      case 'PageUp':
        return handled(event, () => move(-PAGE_ROWS, 0));
      case 'Home':
        return handled(event, () => move(0, -columns().length));
      case 'End':
        return handled(event, () => move(0, columns().length));
      case 'Enter':
      case 'F2':
        return handled(event, () => startEditing());
      case 'Delete':
      case 'Backspace': {
        const sample = selectedSample();
        const column = selectedColumn();
        if (sample && column && live.canEdit()) return handled(event, () => apply(column, sample, '', live.table.seq));
        return;
      }
      default:
        if (event.key.length === 1 && !event.altKey) handled(event, () => startEditing(event.key));
    }
  };

  const onPaste = (event: ClipboardEvent) => {
    if (editing() || !live.canEdit()) return;
    const position = selected();
    const text = event.clipboardData?.getData('text/plain');
    if (!position || !text) return;
    event.preventDefault();
    if (pasting()) {
      setInputProblem('The previous paste is still loading its rows. Paste again when it is done.');
      return;
    }
    void paste(parseClipboardTable(text), position);
  };

  /**
   * Reads the rows a pasted block covers, then sends the block as one edit. Nothing is sent when
   * some rows could not be read or the edit would exceed the edit limits, so a paste never
   * changes only part of its rows.
   */
  const paste = async (block: string[][], position: CellPosition) => {
    const startId = live.rowAt(position.row)?.id;
    const last = Math.min(count(), position.row + block.length) - 1;
    setPasting(true);
    // A read cut short leaves rows missing, which `pasteOps` counts below.
    const readFailure = await live
      .ensureRows(position.row, last)
      .then(() => null)
      .catch((error: unknown) => (isAbort(error) ? null : errorMessage(error)))
      .finally(() => setPasting(false));
    if (readFailure !== null) {
      setInputProblem(`Nothing was pasted because the rows to paste into could not be read: ${readFailure}`);
      return;
    }

    // Rows inserted or deleted above while the rows were read move the selected row.
    const row = startId === undefined ? position.row : live.indexOf(startId);
    if (row < 0) {
      setInputProblem('Nothing was pasted because the selected row was deleted meanwhile.');
      return;
    }
    const plan = pasteOps(block, { row, col: position.col }, columns(), live, count());
    if (plan.unloadedRows > 0) {
      setInputProblem(`Nothing was pasted because ${plural(plan.unloadedRows, 'row')} to paste into could not be read. Paste again.`);
      return;
    }

    const fittingRows = rowsWithinEditLimits(plan.rows);
    if (fittingRows < plan.rows.length) {
      setInputProblem(pasteTooLargeMessage(plan.rows, fittingRows));
      return;
    }

    setInputProblem(plan.problems.length > 0 ? `${plural(plan.problems.length, 'cell')} not pasted: ${plan.problems[0]}` : null);
    const ops = plan.rows.flat();
    if (ops.length > 0) live.edit(ops);
  };

  const onCopy = (event: ClipboardEvent) => {
    const sample = selectedSample();
    const column = selectedColumn();
    if (editing() || !sample || !column) return;
    event.preventDefault();
    event.clipboardData?.setData('text/plain', (column.rawText ?? column.text)(sample));
  };

  /** Adds an empty row after the row `afterId`, or after the last row, and selects its first cell. */
  const insertRow = (afterId?: string) => {
    const id = crypto.randomUUID();
    live.edit([{ type: 'sample.insert', sample: { id, name: '' }, ...(afterId ? { afterId } : {}) }]);
    queueMicrotask(() => {
      const index = live.indexOf(id);
      if (index >= 0) select({ row: index, col: 0 });
      scrollElement?.focus();
    });
  };

  const deleteRow = () => {
    const sample = selectedSample();
    if (sample) live.edit([{ type: 'sample.delete', sampleId: sample.id }]);
  };

  const isEmpty = () => count() === 0 && !live.loading();
  const viewportHeight = () => Math.min(MAX_BODY_HEIGHT, Math.max(count(), 1) * ROW_HEIGHT) + ROW_HEIGHT + 18;
  const problem = () => inputProblem() ?? live.problem()?.message ?? null;

  const onProblemChange = createMemo(() => live.problem());
  createEffect(on(onProblemChange, () => setInputProblem(null), { defer: true }));
  onCleanup(() => live.focus(null));

  return (
    <div class="stack-small">
      <div class="grid-toolbar">
        <PresenceBar viewers={live.viewers()} />
        <Show when={live.canEdit()}>
          <div class="grid-toolbar__actions" role="toolbar" aria-label="Edit the samples">
            <button type="button" class="button button--small" onClick={() => insertRow()}>
              Add row
            </button>
            <button type="button" class="button button--small" disabled={!selectedSample()} onClick={() => insertRow(selectedSample()!.id)}>
              Insert row below
            </button>
            <button type="button" class="button button--small" disabled={!selectedSample()} onClick={deleteRow}>
              Delete row
            </button>
            <button type="button" class="button button--small" onClick={() => setFieldEditor({ field: null })}>
              Add field
            </button>
            <button type="button" class="button button--small" disabled={live.undoDepth() === 0} onClick={() => live.undo()} title="Undo your last change (Ctrl+Z)">
              Undo
            </button>
            <button type="button" class="button button--small" disabled={live.redoDepth() === 0} onClick={() => live.redo()} title="Redo (Ctrl+Y)">
              Redo
            </button>
            <button
              type="button"
              class="button button--small"
              disabled={!selectedSample()}
              aria-pressed={historyOpen()}
              onClick={() => setHistoryOpen((open) => !open)}
            >
              History
            </button>
          </div>
        </Show>
      </div>
      <Show when={fieldEditor()}>
        {(editor) => <FieldEditor field={editor().field} fields={live.fields()} onEdit={(ops) => live.edit(ops)} onClose={() => setFieldEditor(null)} />}
      </Show>
      {/* The message lies over the caption, so the rows do not move under the pointer while it shows. */}
      <div class="grid-status">
        <p class="table-caption" id="samples-caption">
          <span data-row-count={count()}>{plural(count(), 'sample')}</span>
          <Show when={pasting() || live.loading()}>
            <span class="muted" role="status">
              {' '}
              · {pasting() ? 'loading the rows to paste…' : 'loading rows…'}
            </span>
          </Show>
          <Show when={live.canEdit()}>
            <span class="muted"> · select a cell and type to edit; paste a block from a spreadsheet</span>
          </Show>
        </p>
        <Show when={problem()}>
          {(message) => (
            <div class="grid-status__problem">
              <p class="notice notice--error grid-problem" role="alert">
                {message()}
              </p>
              <Show when={inputProblem()}>
                <button type="button" class="grid-status__dismiss" aria-label="Dismiss the message" onClick={() => setInputProblem(null)}>
                  ×
                </button>
              </Show>
            </div>
          )}
        </Show>
      </div>
      <Show when={live.loadError()}>
        <ErrorNotice error={live.loadError()} title="Rows could not be loaded." onRetry={() => live.reload()} />
      </Show>
      <Show when={isEmpty()}>
        {/* Uploading takes the same permission as editing, so a reader is not told to upload. */}
        <p class="empty">{live.canEdit() ? 'No samples yet. Upload a CSV, XLSX, ODS or GeoJSON file below, or press Add row.' : 'No samples yet.'}</p>
      </Show>
      <div class="grid-layout">
        {/* The grid stays in the DOM while empty: the virtualiser reads its scroll element when it mounts and would miss one added later. */}
        <div
          ref={scrollElement}
          hidden={isEmpty()}
          class="grid"
          role="grid"
          aria-labelledby="samples-heading"
          aria-describedby="samples-caption"
          aria-rowcount={count() + 1}
          aria-colcount={columns().length}
          aria-readonly={!live.canEdit()}
          tabindex="0"
          style={{ height: `${viewportHeight()}px` }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onCopy={onCopy}
        >
          <div class="grid__head" role="rowgroup">
            <div class="grid__row grid__row--head" role="row" aria-rowindex={1} style={{ 'grid-template-columns': template(), width: `${width()}px` }}>
              <For each={columns()}>
                {(column) => <HeaderCell column={column} canEdit={live.canEdit()} onEdit={(field) => setFieldEditor({ field })} />}
              </For>
            </div>
          </div>
          <div class="grid__body" role="rowgroup" style={{ height: `${virtualizer.getTotalSize()}px`, width: `${width()}px` }}>
            <For each={virtualizer.getVirtualItems()}>
              {(item) => {
                const sample = () => {
                  live.version();
                  return live.rowAt(item.index);
                };
                const pending = () => {
                  const current = sample();
                  return current ? live.table.isPendingRow(current.id) : false;
                };
                return (
                  <div
                    class="grid__row"
                    classList={{ 'is-loading': sample() === undefined, 'is-odd': item.index % 2 === 1, 'is-pending': pending() }}
                    role="row"
                    aria-rowindex={item.index + 2}
                    data-sample-id={sample()?.id}
                    style={{ transform: `translateY(${item.start}px)`, 'grid-template-columns': template() }}
                  >
                    <For each={columns()}>
                      {(column, col) => {
                        const isSelected = () => selected()?.row === item.index && selected()?.col === col();
                        const isEditing = () => {
                          const current = editing();
                          return current !== null && current.columnId === column.id && current.sampleId === sample()?.id;
                        };
                        const other = () => {
                          const current = sample();
                          return current ? focusedCells().get(`${current.id}|${column.id}`) : undefined;
                        };
                        const text = () => {
                          const current = sample();
                          return current ? column.text(current) : '';
                        };
                        return (
                          <div
                            class="grid__cell"
                            classList={{ 'is-numeric': column.numeric, 'is-selected': isSelected(), 'is-focused-by-other': other() !== undefined }}
                            role="gridcell"
                            aria-selected={isSelected()}
                            title={other() ? `${other()!.name}${other()!.editing ? ' is editing' : ''}: ${text()}` : text()}
                            style={other() ? { 'box-shadow': `inset 0 0 0 2px ${other()!.colour}` } : {}}
                            data-column={column.id}
                            onMouseDown={() => select({ row: item.index, col: col() })}
                            onDblClick={() => startEditing()}
                          >
                            <Show when={isEditing()} fallback={text()}>
                              <CellEditor
                                initial={draft ?? editing()!.text}
                                onInput={(value) => {
                                  draft = value;
                                }}
                                onOpen={editorOpened}
                                onClose={editorClosed}
                                onCommit={(value, then) => commit(value, then)}
                                onCancel={() => {
                                  setEditing(null);
                                  draft = null;
                                  scrollElement?.focus();
                                }}
                              />
                            </Show>
                          </div>
                        );
                      }}
                    </For>
                  </div>
                );
              }}
            </For>
          </div>
        </div>
        <Show when={historyOpen() && selectedSample() && selectedColumn()}>
          <CellHistoryPanel
            datasetId={props.datasetId}
            sampleId={selectedSample()!.id}
            cell={columnCell(selectedColumn()!.id)}
            label={`${selectedColumn()!.label} of ${selectedSample()!.name || 'this sample'}`}
            version={live.table.seq}
            onClose={() => setHistoryOpen(false)}
          />
        </Show>
      </div>
      <Show when={live.conflict()}>
        {(prompt) => (
          <ConflictDialog
            prompt={prompt()}
            cellLabel={(cell) => cellLabel(cell, columns(), shownLabels)}
            rowName={(sampleId) => live.rowAt(live.indexOf(sampleId))?.name || null}
            onChoose={(choice) => live.resolveConflict(choice)}
          />
        )}
      </Show>
    </div>
  );
}

/** Names a row for a message: its sample name, or its number when it has none. */
function rowName(sample: Sample, index: number): string {
  return sample.name.trim() !== '' ? `"${sample.name}"` : String(index + 1);
}

function handled(event: KeyboardEvent, action: () => void): void {
  event.preventDefault();
  action();
}

interface CellEditorProps {
  initial: string;
  onInput: (text: string) => void;
  /**
   * Called when the editor is drawn, and `onClose` when it leaves the page, with whether it was
   * committed or cancelled before.
   */
  onOpen: () => void;
  onClose: (finished: boolean) => void;
  onCommit: (text: string, then: 'down' | 'right' | 'stay') => void;
  onCancel: () => void;
}

function CellEditor(props: CellEditorProps) {
  let input: HTMLInputElement | undefined;
  let done = false;
  const finish = (then: 'down' | 'right' | 'stay') => {
    if (done) return;
    done = true;
    props.onCommit(input?.value ?? props.initial, then);
  };
  props.onOpen();
  onCleanup(() => props.onClose(done));
  queueMicrotask(() => {
    input?.focus();
    const end = input?.value.length ?? 0;
    input?.setSelectionRange(end, end);
  });
  return (
    <input
      ref={input}
      class="grid__input"
      value={props.initial}
      aria-label="Cell value"
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === 'Enter') handled(event, () => finish('down'));
        else if (event.key === 'Tab') handled(event, () => finish('right'));
        else if (event.key === 'Escape') {
          done = true;
          handled(event, () => props.onCancel());
        }
      }}
      onInput={(event) => props.onInput(event.currentTarget.value)}
      // A blur also comes when the editor is taken out of the page. Only a blur of an editor that
      // is still shown commits. One that was taken out is handled by onClose.
      onBlur={() =>
        setTimeout(() => {
          if (!done && input?.isConnected) finish('stay');
        }, 0)
      }
      onPaste={(event) => event.stopPropagation()}
    />
  );
}

function HeaderCell(props: { column: SampleColumn; canEdit: boolean; onEdit: (field: Field) => void }) {
  return (
    <div
      class="grid__cell grid__cell--head"
      classList={{ 'is-numeric': props.column.numeric }}
      role="columnheader"
      data-column={props.column.id}
      title={props.column.unit ? `${props.column.label} (${props.column.unit})` : props.column.label}
    >
      <span>{props.column.label}</span>
      <Show when={props.column.unit}>
        <span class="unit"> ({props.column.unit})</span>
      </Show>
      <Show when={props.canEdit && props.column.field}>
        {(field) => (
          <button type="button" class="grid__field-button" aria-label={`Change the field ${field().label}`} onClick={() => props.onEdit(field())}>
            ⋯
          </button>
        )}
      </Show>
    </div>
  );
}
