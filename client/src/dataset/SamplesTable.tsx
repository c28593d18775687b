import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createMemo, For, on, Show } from 'solid-js';
import type { Field } from '../../../common/api/fields.js';
import type { Sample } from '../../../common/api/samples.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { plural } from '../format/numbers.js';
import { sampleColumns, type SampleColumn } from './sample-columns.js';
import { createSampleRows } from './sample-rows.js';

/** Height of one row in CSS pixels; styles.css gives `.grid__row` the same height. */
const ROW_HEIGHT = 32;
const MAX_BODY_HEIGHT = 480;

/**
 * Shows the dataset's samples in a virtualised grid. Only the rows in view and a few around
 * them are in the DOM, whatever the row count. Cell values are inserted as text, never as HTML.
 */
export function SamplesTable(props: { datasetId: string; fields: Field[]; expectedTotal: number; reloadToken: number }) {
  const rows = createSampleRows(() => props.datasetId);
  const columns = createMemo(() => sampleColumns(props.fields));
  const template = () => columns().map((column) => `${column.width}px`).join(' ');
  const width = () => columns().reduce((sum, column) => sum + column.width, 0);
  const count = () => rows.count(props.expectedTotal);
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
    const items = virtualizer.getVirtualItems();
    rows.ensureLoaded(items.length > 0 ? items[items.length - 1]!.index : 0);
  });
  createEffect(on(() => props.reloadToken, () => rows.reset(), { defer: true }));

  const isEmpty = () => count() === 0 && !rows.loading();
  const viewportHeight = () => Math.min(MAX_BODY_HEIGHT, Math.max(count(), 1) * ROW_HEIGHT) + ROW_HEIGHT + 18;

  return (
    <div class="stack-small">
      <p class="table-caption" id="samples-caption">
        <span data-row-count={count()}>{plural(count(), 'sample')}</span>
        <Show when={rows.loading()}>
          <span class="muted" role="status">
            {' '}
            · loading rows…
          </span>
        </Show>
      </p>
      <Show when={rows.error()}>
        <ErrorNotice error={rows.error()} title="Rows could not be loaded." onRetry={() => rows.retry()} />
      </Show>
      <Show when={isEmpty()}>
        <p class="empty">No samples yet. Upload a CSV, XLSX, ODS or GeoJSON file to add rows.</p>
      </Show>
      {/* The grid stays in the DOM while empty: the virtualiser reads its scroll element when it mounts and would miss one added later. */}
      <div
        ref={scrollElement}
        hidden={isEmpty()}
        class="grid"
        role="table"
        aria-labelledby="samples-heading"
        aria-describedby="samples-caption"
        aria-rowcount={count() + 1}
        aria-colcount={columns().length}
        tabindex="0"
        style={{ height: `${viewportHeight()}px` }}
      >
        <div class="grid__head" role="rowgroup">
          <div class="grid__row grid__row--head" role="row" aria-rowindex={1} style={{ 'grid-template-columns': template(), width: `${width()}px` }}>
            <For each={columns()}>{(column) => <HeaderCell column={column} />}</For>
          </div>
        </div>
        <div class="grid__body" role="rowgroup" style={{ height: `${virtualizer.getTotalSize()}px`, width: `${width()}px` }}>
          <For each={virtualizer.getVirtualItems()}>
            {(item) => (
              <div
                class="grid__row"
                classList={{ 'is-loading': rows.row(item.index) === undefined, 'is-odd': item.index % 2 === 1 }}
                role="row"
                aria-rowindex={item.index + 2}
                style={{ transform: `translateY(${item.start}px)`, 'grid-template-columns': template() }}
              >
                <For each={columns()}>
                  {(column) => (
                    <div class="grid__cell" classList={{ 'is-numeric': column.numeric }} role="cell" title={rowText(rows.row(item.index), column)}>
                      {rowText(rows.row(item.index), column)}
                    </div>
                  )}
                </For>
              </div>
            )}
          </For>
        </div>
      </div>
    </div>
  );
}

function HeaderCell(props: { column: SampleColumn }) {
  return (
    <div
      class="grid__cell grid__cell--head"
      classList={{ 'is-numeric': props.column.numeric }}
      role="columnheader"
      title={props.column.unit ? `${props.column.label} (${props.column.unit})` : props.column.label}
    >
      <span>{props.column.label}</span>
      <Show when={props.column.unit}>
        <span class="unit"> ({props.column.unit})</span>
      </Show>
    </div>
  );
}

function rowText(sample: Sample | undefined, column: SampleColumn): string {
  return sample ? column.text(sample) : '';
}
