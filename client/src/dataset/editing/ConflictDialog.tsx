import { For, Show } from 'solid-js';
import { propertyCell, valueCell } from '../../../../common/editing/cells.js';
import type { EditConflict } from '../../../../common/editing/protocol.js';
import type { EditOp } from '../../../../common/editing/requests.js';
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
export function ConflictDialog(props: {
  prompt: ConflictPrompt;
  cellLabel: (cell: string) => string;
  /** The name of a row the grid holds, or null when it does not hold it. */
  rowName: (sampleId: string) => string | null;
  onChoose: (choice: 'mine' | 'theirs') => void;
}) {
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
                  (<span class="conflict-list__cell">{props.cellLabel(conflict.cell!)}</span>
                  <Show when={conflict.sampleId && props.rowName(conflict.sampleId)}>{(name) => <> of row <q class="conflict-list__row">{name()}</q></>}</Show>)
                </Show>
                <Show when={conflict.reason === 'changed' && conflict.current !== null && typeof conflict.current !== 'object'}>
                  : now <q class="conflict-list__theirs">{cellText(conflict.current as string | number | boolean)}</q>
                </Show>
                <Show when={!isUndo() && myValue(props.prompt.ops, conflict)}>{(mine) => <>; yours <q class="conflict-list__mine">{mine().text}</q></>}</Show>
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

/** Finds the value the user's edit gave the conflicting cell, as text, when it is a plain value. */
function myValue(ops: readonly EditOp[], conflict: EditConflict): { text: string } | null {
  for (const op of ops) {
    if (op.type === 'cell.set' && op.sampleId === conflict.sampleId && valueCell(op.key) === conflict.cell) return plainText(op.value);
    if (op.type === 'sample.set' && op.sampleId === conflict.sampleId && propertyCell(op.property) === conflict.cell) return plainText(op.value);
  }
  return null;
}

function plainText(value: unknown): { text: string } | null {
  if (value === null || value === undefined || typeof value === 'object') return null;
  return { text: cellText(value as string | number | boolean) };
}
