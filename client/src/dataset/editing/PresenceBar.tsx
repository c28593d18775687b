import { For, Show } from 'solid-js';
import type { Viewer } from '../../../../common/editing/protocol.js';

/** Shows who else views the dataset as coloured initials; the title shows what each has focused. */
export function PresenceBar(props: { viewers: Viewer[] }) {
  return (
    <div class="presence" aria-label="People viewing this dataset">
      <Show when={props.viewers.length > 0} fallback={<span class="muted">Only you are here.</span>}>
        <For each={props.viewers}>
          {(viewer) => (
            <span
              class="presence__avatar"
              style={{ 'background-color': viewer.colour }}
              title={`${viewer.name}${viewer.focus?.editing ? ' is editing' : viewer.focus ? ' is looking at a cell' : ''}`}
              data-viewer={viewer.name}
            >
              {initials(viewer.name)}
            </span>
          )}
        </For>
        <span class="visually-hidden">{props.viewers.map((viewer) => viewer.name).join(', ')}</span>
      </Show>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]![0]}${parts.at(-1)![0]}` : (parts[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}
