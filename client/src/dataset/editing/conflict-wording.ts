import type { EditConflict } from '../../../../common/editing/protocol.js';

/**
 * Kind of the request that met a conflict: a new edit, or an undo or redo of an earlier change.
 * It is the `kind` of the live dataset's ConflictPrompt, written out so that this module does not
 * import the browser-only live dataset. ConflictDialog passes the prompt's kind here, so a kind
 * added there fails to compile until it is added here too.
 */
export type ConflictKind = 'edit' | 'undo' | 'redo';

/** Words for another person's change: the verb before its target, and the change it came after. */
export interface ConflictWording {
  verb: string;
  since: string;
}

/** The thing a conflict is about: one cell, a whole row, or a field (a column). */
export type ConflictTarget =
  | { type: 'cell'; label: string; row: string | null }
  | { type: 'row'; row: string | null }
  | { type: 'field'; label: string | null };

const VERBS: Record<EditConflict['reason'], string> = {
  changed: 'changed',
  deleted: 'deleted',
  exists: 'created',
};

/**
 * The change another person's change came after. The server reports a conflict for an undo when
 * someone changed the cell after the change that the undo reverses, and for a redo when someone
 * changed it after the undo that the redo reverses.
 */
const SINCE: Record<ConflictKind, string> = {
  edit: 'after you started',
  undo: 'after your change',
  redo: 'after your undo',
};

const INTRO: Record<ConflictKind, string> = {
  edit: 'Your edit was not applied to these cells, because:',
  undo: 'Your undo would put back what was there before your change, overwriting these later changes:',
  redo: 'Your redo would make your change again, overwriting these later changes:',
};

/** Words what another person did, for a request of the given kind: "changed … after your change". */
export function conflictWording(kind: ConflictKind, reason: EditConflict['reason']): ConflictWording {
  return { verb: VERBS[reason], since: SINCE[kind] };
}

/** Returns the sentence that introduces the list of conflicts. */
export function conflictIntro(kind: ConflictKind): string {
  return INTRO[kind];
}

/**
 * Names what a conflict is about. A deleted value cell means its field was removed, because a
 * deleted row gives the cell `row`. `cellLabel` turns a cell key into a column label, and
 * `rowName` returns the name of a row the grid holds, or null.
 */
export function conflictTarget(
  conflict: Pick<EditConflict, 'reason' | 'cell' | 'sampleId' | 'current'>,
  cellLabel: (cell: string) => string,
  rowName: (sampleId: string) => string | null,
): ConflictTarget {
  const row = conflict.sampleId ? rowName(conflict.sampleId) : null;
  if (conflict.cell === 'row') return { type: 'row', row };
  if (conflict.cell === null) return { type: 'field', label: fieldLabel(conflict.current) };
  if (conflict.reason === 'deleted') return { type: 'field', label: cellLabel(conflict.cell) };
  return { type: 'cell', label: cellLabel(conflict.cell), row };
}

/** Reads the label of the field a field conflict carries as its current value. */
function fieldLabel(current: unknown): string | null {
  if (typeof current !== 'object' || current === null || !('label' in current)) return null;
  return typeof current.label === 'string' ? current.label : null;
}
