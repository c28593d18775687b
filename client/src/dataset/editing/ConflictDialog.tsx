import { For, Show } from 'solid-js';
import type { EditConflict } from '../../../../common/editing/protocol.js';
import { cellText } from '../../format/cell-text.js';
import type { ConflictPrompt } from '../../realtime/live-dataset.js';

const REASONS: Record<EditConflict['reason'], string> = {
  changed: 'changed it after you started',
  deleted: 'deleted it',
  exists: 'created the same thing',
};

/**
 * Asks what to do when someone else changed what the user edited: keep the user's value
 * (sent again, overwriting) or take the other person's (the grid already shows it).
 */
export function ConflictDialog(props: { prompt: ConflictPrompt; cellLabel: (cell: string) => string; onChoose: (choice: 'mine' | 'theirs') => void }) {
  const canKeepMine = () => props.prompt.conflicts.some((conflict) => conflict.reason === 'changed');
  const isUndo = () => props.prompt.kind !== 'edit';
  return (
    <div class="dialog-backdrop">
      <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="conflict-title" aria-describedby="conflict-text">
        <h2 id="conflict-title">{isUndo() ? `Someone changed what this ${props.prompt.kind} restores` : 'Someone else changed this too'}</h2>
        <p id="conflict-text">
          {isUndo()
            ? `Your ${props.prompt.kind} would overwrite these later changes:`
            : 'Your edit was not applied to these cells, because:'}
        </p>
        <ul class="conflict-list">
          <For each={props.prompt.conflicts.slice(0, 8)}>
            {(conflict) => (
              <li>
                <strong>{conflict.changedBy?.type === 'user' ? conflict.changedBy.displayName : 'An import'}</strong> {REASONS[conflict.reason]}
                <Show when={conflict.cell && conflict.cell !== 'row'}>
                  {' '}
                  (<span class="conflict-list__cell">{props.cellLabel(conflict.cell!)}</span>)
                </Show>
                <Show when={conflict.reason === 'changed' && conflict.current !== null && typeof conflict.current !== 'object'}>
                  : now <q>{cellText(conflict.current as string | number | boolean)}</q>
                </Show>
                <Show when={conflict.changedAt}>{(at) => <span class="muted"> at {new Date(at()).toLocaleTimeString()}</span>}</Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={props.prompt.conflicts.length > 8}>
          <p class="muted">and {props.prompt.conflicts.length - 8} more.</p>
        </Show>
        <div class="dialog__actions">
          <button type="button" class="button" onClick={() => props.onChoose('theirs')}>
            {isUndo() ? 'Cancel' : 'Take theirs'}
          </button>
          <Show when={canKeepMine()}>
            <button type="button" class="button button--primary" onClick={() => props.onChoose('mine')}>
              {isUndo() ? `${props.prompt.kind === 'undo' ? 'Undo' : 'Redo'} anyway` : 'Keep mine'}
            </button>
          </Show>
        </div>
      </div>
    </div>
  );
}
