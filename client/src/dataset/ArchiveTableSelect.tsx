import { For, Show } from 'solid-js';
import type { ImportArchiveEntry, ImportFormat } from '../../../common/api/imports.js';
import { formatBytes } from '../format/numbers.js';

const FORMAT_LABELS: Record<ImportFormat, string> = { csv: 'CSV', geojson: 'GeoJSON', xlsx: 'Excel', ods: 'OpenDocument' };

/**
 * Lets the uploader choose which table of a ZIP archive to import. Each table is listed with its
 * path in the archive, its format and its unpacked size; until one is chosen, none is selected.
 */
export function ArchiveTableSelect(props: { entries: ImportArchiveEntry[]; chosen: string | null; onChoose(path: string): void }) {
  return (
    <label>
      Table in the ZIP archive{' '}
      <select class="control" value={props.chosen ?? ''} onChange={(event) => props.onChoose(event.currentTarget.value)}>
        <Show when={props.chosen === null}>
          <option value="" disabled>
            Choose a table…
          </option>
        </Show>
        <For each={props.entries}>
          {(entry) => (
            <option value={entry.path}>
              {entry.path} ({FORMAT_LABELS[entry.format]}, {formatBytes(entry.sizeBytes)})
            </option>
          )}
        </For>
      </select>
    </label>
  );
}
