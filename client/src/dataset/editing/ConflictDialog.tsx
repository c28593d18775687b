import { For, Match, Show, Switch } from 'solid-js';
import { propertyCell, valueCell } from '../../../../common/editing/cells.js';
import type { EditConflict } from '../../../../common/editing/protocol.js';
import type { EditOp } from '../../../../common/editing/requests.js';
import { cellText } from '../../format/cell-text.js';
import { formatLocalDateTime } from '../../format/dates.js';
import type { ConflictPrompt } from '../../realtime/live-dataset.js';
import { conflictIntro, conflictTarget, conflictWording, type ConflictTarget } from './conflict-wording.js';

/**
 * Asks what to do when someone else changed what the user edited: keep the user's value
 * (sent again, overwriting) or take the other person's (the grid already shows it). For an undo
 * or redo the choice is to overwrite the later changes or to cancel.
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
        <p id="conflict-text">{conflictIntro(props.prompt.kind)}</p>
        <ul class="conflict-list">
          <For each={props.prompt.conflicts.slice(0, 8)}>
            {(conflict) => <ConflictItem prompt={props.prompt} conflict={conflict} cellLabel={props.cellLabel} rowName={props.rowName} />}
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

/** Renders one conflict as a sentence: who did what to which cell, row or field, when, and the values now. */
function ConflictItem(props: {
  prompt: ConflictPrompt;
  conflict: EditConflict;
  cellLabel: (cell: string) => string;
  rowName: (sampleId: string) => string | null;
}) {
  const wording = () => conflictWording(props.prompt.kind, props.conflict.reason);
  const target = () => conflictTarget(props.conflict, props.cellLabel, props.rowName);
  const current = () => props.conflict.current;
  return (
    <li>
      <strong>{props.conflict.changedBy?.type === 'user' ? props.conflict.changedBy.displayName : 'An import'}</strong> {wording().verb}{' '}
      <TargetText target={target()} /> {wording().since}
      <Show when={props.conflict.changedAt}>
        {(at) => (
          <>
            , <span class="muted">at {formatLocalDateTime(at(), 'second')}</span>
          </>
        )}
      </Show>
      <Show when={props.conflict.reason === 'changed' && current() !== null && typeof current() !== 'object'}>
        : now <q class="conflict-list__theirs">{cellText(current() as string | number | boolean)}</q>
      </Show>
      <Show when={props.prompt.kind === 'edit' && myValue(props.prompt.ops, props.conflict)}>
        {(mine) => (
          <>
            ; yours <q class="conflict-list__mine">{mine().text}</q>
          </>
        )}
      </Show>
      <Show when={props.prompt.kind !== 'edit' && props.conflict.reason === 'changed' && 'proposed' in props.conflict}>
        <RestoredValue kind={props.prompt.kind} value={props.conflict.proposed} />
      </Show>
    </li>
  );
}

/** Names a conflict's target: "Depth of row “C2”", "row “C2”" or "the field “Depth”". */
function TargetText(props: { target: ConflictTarget }) {
  const cell = () => (props.target.type === 'cell' ? props.target : null);
  const row = () => (props.target.type === 'row' ? props.target : null);
  const field = () => (props.target.type === 'field' ? props.target : null);
  return (
    <Switch>
      <Match when={cell()}>
        {(target) => (
          <>
            <span class="conflict-list__cell">{target().label}</span>
            <Show when={target().row}>{(name) => <> of row <q class="conflict-list__row">{name()}</q></>}</Show>
          </>
        )}
      </Match>
      <Match when={row()}>
        {(target) => (
          <Show when={target().row} fallback="the row">
            {(name) => <>row <q class="conflict-list__row">{name()}</q></>}
          </Show>
        )}
      </Match>
      <Match when={field()}>
        {(target) => (
          <Show when={target().label} fallback="a field">
            {(label) => <>the field <q class="conflict-list__cell">{label()}</q></>}
          </Show>
        )}
      </Match>
    </Switch>
  );
}

/** Says what an undo or redo would put in the cell: a value, or nothing when it empties the cell. */
function RestoredValue(props: { kind: ConflictPrompt['kind']; value: unknown }) {
  const text = () => plainText(props.value);
  return (
    <Show when={props.value !== null && props.value !== undefined} fallback={<>; the {props.kind} would empty the cell</>}>
      <Show when={text()}>
        {(restored) => (
          <>
            ; the {props.kind} would put back <q class="conflict-list__mine">{restored().text}</q>
          </>
        )}
      </Show>
    </Show>
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
