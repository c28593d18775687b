import type { AckError } from '../errors.js';
import type { ChangeAuthor, DatasetChange } from '../events.js';

/**
 * Acknowledgements and server-to-client payloads of live editing. Requests are in requests.ts.
 */

/** The reason a valid operation was not applied. */
export type ConflictReason =
  /** Someone else changed the cell (or the row, for a delete; the field, for a schema change) after the client's seq. */
  | 'changed'
  /** The row or field was deleted. */
  | 'deleted'
  /** A field with the same key was created meanwhile. */
  | 'exists';

/** An operation rejected because of someone else's change, with the value the server has now. */
export interface EditConflict {
  /** Position of the operation in the request. */
  opIndex: number;
  reason: ConflictReason;
  sampleId: string | null;
  fieldId: string | null;
  /** The cell key (`p:name`, `f:depth_m`), for cell operations. */
  cell: string | null;
  /** The current value of the cell, or null when the row or field is gone. */
  current: unknown;
  /**
   * The value the operation would have written to the cell, for cell operations, e.g. the old
   * value an undo would put back. Absent for row and field operations.
   */
  proposed?: unknown;
  /** The change that caused the conflict. */
  seq: number;
  changedBy: ChangeAuthor | null;
  changedAt: string | null;
}

/**
 * Acknowledgement of `dataset:edit`, `dataset:undo` and `dataset:redo`. `duplicate` is true when
 * the mutation id was applied before: the acknowledgement is that first result, and the request's
 * operations were not applied again even when they differ.
 */
export type EditAck =
  | { ok: true; seq: number; conflicts: EditConflict[]; undoDepth: number; redoDepth: number; duplicate?: true }
  | (AckError & { conflicts?: EditConflict[] });

/** Acknowledgement of `dataset:sync`: the missed changes in seq order, or `refetch` when more were missed than are replayed. */
export type SyncAck = { ok: true; seq: number; changes: DatasetChange[]; refetch: boolean } | AckError;

/** One person viewing a dataset, once per browser tab. */
export interface Viewer {
  /** The socket's id, unique per tab. */
  id: string;
  userId: string | null;
  name: string;
  /** A CSS colour for the person's avatar and cell outlines, the same on every screen. */
  colour: string;
  focus: { sampleId: string | null; column: string | null; editing: boolean } | null;
}

/** A presence update of a dataset: the whole list (`full`) or the viewers that changed and those that left. */
export interface PresenceEvent {
  datasetId: string;
  full: boolean;
  viewers: Viewer[];
  left: string[];
}

const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#65a30d'] as const;

/** Picks a person's colour from their user id (or socket id when anonymous), so it is stable across screens. */
export function presenceColour(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}
