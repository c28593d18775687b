import type { Knex } from 'knex';
import type { Field } from '../../../common/api/fields.js';
import type { EditConflict } from '../../../common/editing/protocol.js';
import type { DatasetOp } from '../../../common/events.js';
import type { FieldIssue } from '../../../common/errors.js';
import { validationError } from '../../http/problem.js';
import type { EditState } from './edit-state.js';
import { HistoryCollector, latestFieldKeyRemoval, latestRemovals } from './history.js';
import type { InternalOp } from './internal-ops.js';
import { rowToSample, type FieldState, type RowState } from './row-state.js';
import { placeAfter, takenOrds } from './row-order.js';
import { deleteRows, insertRows, restoreRowLinks, updateRows, type DeletedRowRestore } from './row-writes.js';

/** A conflict before its author is looked up. */
export type PendingConflict = Omit<EditConflict, 'changedBy' | 'changedAt'>;

export interface SessionOptions {
  datasetId: string;
  /** The seq the change will get; the caller holds the dataset lock, so it is the current seq + 1. */
  seq: number;
  /** Changes after this seq conflict with the operations, unless `overwrite` is set. */
  baseSeq: number;
  overwrite: boolean;
  /** The client that sent the edit, stored with the change. */
  clientId?: string | null;
}

/**
 * Applies one edit's operations inside the caller's transaction. Rows are read once, changed in
 * memory and written back in a few statements (inserts, updates, deletes), so a paste of a
 * thousand cells costs about as much as one. Field operations write at once, after flushing the
 * pending row writes, because they change every row of the dataset in SQL.
 *
 * Each operation either applies and appends a stored op (with its old and new values), or is
 * recorded as a conflict, or throws a validation error that rejects the whole edit.
 */
export class EditSession {
  readonly ops: DatasetOp[] = [];
  /** Data an undo of each stored op needs beyond the op itself, aligned with `ops`. */
  readonly restore: unknown[] = [];
  readonly conflicts: PendingConflict[] = [];
  readonly history = new HistoryCollector();

  private rows = new Map<string, RowState>();
  private fields = new Map<string, FieldState>();
  private rowRemovals = new Map<string, number>();
  private ownSeqs = new Set<number>();
  private fieldRemovals = new Map<string, number>();
  /** Stored `sample.insert` ops waiting for the database to assign the row's ord and timestamps. */
  private pendingInserts = new Map<string, Extract<DatasetOp, { type: 'sample.insert' }>>();
  /** Stored `sample.delete` ops waiting for the delete to report the row's measurements. */
  private pendingDeletes = new Map<string, number>();
  private pendingLinks = new Map<string, DeletedRowRestore>();
  /** The row each new row goes right after, by the new row's id, for rows not added at the end. */
  private anchors = new Map<string, string>();
  /** The anchor of each row this edit made and deleted again, or null for the end. Rows placed after such a row take its anchor. */
  private discardedAnchors = new Map<string, string | null>();
  private wrote = false;

  constructor(
    readonly trx: Knex | Knex.Transaction,
    readonly options: SessionOptions,
  ) {}

  /**
   * Takes the rows and fields read for the edit, and reads what is known about the rows and
   * fields the operations name that do not exist (deleted, or never there).
   */
  async load(ops: readonly InternalOp[], state: EditState): Promise<void> {
    const { trx, options } = this;
    const sampleIds = new Set<string>();
    const fieldIds = new Set<string>();
    for (const op of ops) {
      if ('sampleId' in op) sampleIds.add(op.sampleId);
      if (op.type === 'sample.insert' || op.type === 'sample.restore') sampleIds.add(op.sample.id);
      if (op.type === 'sample.insert' && op.afterId) sampleIds.add(op.afterId);
      if ('fieldId' in op) fieldIds.add(op.fieldId);
    }

    this.rows = state.rows;
    this.fields = state.fields;
    this.ownSeqs = state.ownSeqs;
    this.rowRemovals = await latestRemovals(trx, options.datasetId, 'row', [...sampleIds].filter((id) => !this.rows.has(id)));
    this.fieldRemovals = await latestRemovals(trx, options.datasetId, 'field', [...fieldIds].filter((id) => !this.fields.has(id)));
  }

  get seq(): number {
    return this.options.seq;
  }

  /**
   * Tells whether a change numbered `seq` conflicts: it happened after the client's view, and
   * neither this edit nor an earlier edit of the same client made it.
   */
  changedSince(seq: number): boolean {
    return !this.options.overwrite && seq > this.options.baseSeq && seq !== this.options.seq && !this.ownSeqs.has(seq);
  }

  /** Records an operation that is not applied because of someone else's change. */
  conflict(conflict: PendingConflict): void {
    this.conflicts.push(conflict);
  }

  /** Returns the live row with this id, or undefined when it does not exist or an earlier operation deleted it. */
  row(sampleId: string): RowState | undefined {
    const row = this.rows.get(sampleId);
    return row && row.status !== 'deleted' ? row : undefined;
  }

  /** Tells whether a row with this id exists, existed or is made by this edit, so the id cannot be used again. */
  rowIdUsed(sampleId: string): boolean {
    return this.rows.has(sampleId) || this.rowRemovals.has(sampleId);
  }

  /** Returns the seq that deleted a row before this edit, or 0 when the row never existed in this dataset. */
  rowRemovalSeq(sampleId: string): number {
    return this.rowRemovals.get(sampleId) ?? 0;
  }

  /** Tells whether an earlier operation of this edit deleted the row. */
  deletedInEdit(sampleId: string): boolean {
    return this.rows.get(sampleId)?.status === 'deleted';
  }

  addRow(row: RowState): void {
    this.rows.set(row.id, row);
  }

  field(fieldId: string): FieldState | undefined {
    return this.fields.get(fieldId);
  }

  fieldByKey(key: string): FieldState | undefined {
    for (const field of this.fields.values()) if (field.key === key) return field;
    return undefined;
  }

  allFields(): FieldState[] {
    return [...this.fields.values()];
  }

  setField(field: FieldState): void {
    this.fields.set(field.id, field);
  }

  dropField(fieldId: string): void {
    this.fields.delete(fieldId);
  }

  fieldRemovalSeq(fieldId: string): number {
    return this.fieldRemovals.get(fieldId) ?? 0;
  }

  /** Returns the seq of the latest removal of a field with this key after the client's view, or 0. */
  async fieldKeyRemovalSeq(key: string): Promise<number> {
    return (await latestFieldKeyRemoval(this.trx, this.options.datasetId, key, this.options.baseSeq)) ?? 0;
  }

  /** Rows held in memory, for field operations that change every row. */
  liveRows(): RowState[] {
    return [...this.rows.values()].filter((row) => row.status !== 'deleted');
  }

  /** Appends a stored op with what undoing it needs. */
  push(op: DatasetOp, restore: unknown = null): void {
    this.ops.push(op);
    this.restore.push(restore);
  }

  /** Marks a row changed by this edit. */
  touch(row: RowState): void {
    row.seq = this.seq;
    if (row.status === 'stored') row.dirty = true;
  }

  /**
   * Appends the stored op of a new row, which goes right after the row `afterId` or, when null,
   * after the last row (or at its own ord, for a row an undo puts back). Its ord and timestamps
   * are filled in when it is written. An `afterId` row that this edit deletes still places the
   * new row, which then takes the deleted row's place.
   */
  pushInsert(row: RowState, links: DeletedRowRestore | null, afterId: string | null): void {
    const op: Extract<DatasetOp, { type: 'sample.insert' }> = { type: 'sample.insert', sample: rowToSample(row) };
    this.pendingInserts.set(row.id, op);
    if (links) this.pendingLinks.set(row.id, links);
    const anchorId = afterId && this.discardedAnchors.has(afterId) ? this.discardedAnchors.get(afterId)! : afterId;
    if (anchorId) this.anchors.set(row.id, anchorId);
    this.push(op);
  }

  /** Marks a row deleted and appends its stored op; the row is deleted when the edit is flushed. */
  pushDelete(row: RowState): void {
    const wasInserted = row.status === 'inserted';
    row.status = 'deleted';
    this.push({ type: 'sample.delete', sampleId: row.id, before: rowToSample(row) });
    if (wasInserted) {
      // Made and deleted within this edit: nothing to write, nothing to restore.
      row.dirty = false;
      this.pendingInserts.delete(row.id);
      this.discardAnchor(row.id);
      return;
    }
    this.pendingDeletes.set(row.id, this.ops.length - 1);
  }

  /**
   * Writes the pending row inserts and deletes, and the updates unless `deferUpdates`: the last
   * flush leaves the updates to the statement that also appends the change.
   */
  async flush(options: { deferUpdates?: boolean } = {}): Promise<void> {
    const { trx } = this;
    const inserted = [...this.pendingInserts.keys()].map((id) => this.rows.get(id)!);
    if (inserted.length > 0 || this.pendingDeletes.size > 0 || (!options.deferUpdates && this.dirtyRows().length > 0)) this.wrote = true;
    const placed = inserted.filter((row) => this.anchors.has(row.id) || row.ord !== null);
    await insertRows(trx, this.options.datasetId, inserted.filter((row) => !placed.includes(row)));
    if (!options.deferUpdates) {
      const updated = this.dirtyRows();
      await updateRows(trx, updated);
      for (const row of updated) {
        row.dirty = false;
        row.version += 1;
      }
    }

    // Rows placed among others go in before the deletes, so a row placed after a row that this
    // edit deletes finds that row at its place, and takes the place when the row goes.
    await this.insertPlaced(placed);
    this.reconcileMovedDeletes();

    const deleted = await deleteRows(trx, [...this.pendingDeletes.keys()]);
    for (const [id, opIndex] of this.pendingDeletes) this.restore[opIndex] = deleted.get(id) ?? null;
    this.pendingDeletes.clear();
    await this.completeInserts(inserted);
  }

  /** Rows changed in memory and not written yet. */
  dirtyRows(): RowState[] {
    return [...this.rows.values()].filter((row) => row.status === 'stored' && row.dirty);
  }

  /** Whether the edit has written anything yet; a write-free edit can still be retried after a lost race. */
  get hasWritten(): boolean {
    return this.wrote;
  }

  /**
   * Writes rows that go among the others, in op order: right after their anchor, or at the ord
   * of a row an undo puts back. A put-back row whose ord another row took meanwhile goes right
   * after that row, so no two rows share an ord.
   */
  private async insertPlaced(rows: RowState[]): Promise<void> {
    const { trx, options } = this;
    const occupied = await takenOrds(trx, options.datasetId, rows.flatMap((row) => (row.ord !== null && !this.anchors.has(row.id) ? [row.ord] : [])));
    const restorable = rows.filter((row) => !this.anchors.has(row.id) && !occupied.has(row.ord!));
    await insertRows(trx, options.datasetId, restorable);

    for (const row of rows.filter((candidate) => !restorable.includes(candidate))) {
      const afterOrd = await this.placementOf(row);
      if (afterOrd === null) row.ord = null;
      else {
        const placement = await placeAfter(trx, options.datasetId, afterOrd);
        row.ord = placement.ord;
        if (Object.keys(placement.moved).length > 0) this.pendingInserts.get(row.id)!.moved = placement.moved;
        for (const [id, ord] of Object.entries(placement.moved)) {
          const loaded = this.rows.get(id);
          if (loaded) loaded.ord = ord;
        }
      }
      await insertRows(trx, options.datasetId, [row]);
    }
    this.anchors.clear();
  }

  /**
   * Returns the ord a placed row goes after: its anchor's, or the ord it was to take. An anchor
   * that an earlier flush of this edit deleted keeps the last ord it had, which still lies
   * between its neighbours. Returns null when the anchor is gone otherwise.
   */
  private async placementOf(row: RowState): Promise<number | null> {
    const anchorId = this.anchors.get(row.id);
    if (!anchorId) return row.ord;
    const anchor = (await this.trx('samples').where({ id: anchorId, datasetId: this.options.datasetId }).first('ord')) as { ord: string } | undefined;
    if (anchor) return Number(anchor.ord);
    return this.deletedInEdit(anchorId) ? (this.rows.get(anchorId)!.ord ?? null) : null;
  }

  /**
   * Hands the anchor of a row that this edit made and deleted on to the rows placed after it,
   * so they go where it would have gone. Without an anchor it went after the last row, and so do
   * they.
   */
  private discardAnchor(rowId: string): void {
    const replacement = this.anchors.get(rowId) ?? null;
    this.anchors.delete(rowId);
    this.discardedAnchors.set(rowId, replacement);
    for (const [id, anchorId] of this.anchors) {
      if (anchorId !== rowId) continue;
      if (replacement) this.anchors.set(id, replacement);
      else this.anchors.delete(id);
    }
  }

  /**
   * Makes the stored ops agree on the ords of rows that an insert moved and this edit deletes.
   * Clients apply the ops in order, so a delete after the moving insert names the row's moved
   * ord, and an insert after the delete does not list the row among those it moved.
   */
  private reconcileMovedDeletes(): void {
    for (const [id, deleteIndex] of this.pendingDeletes) {
      for (const insert of this.pendingInserts.values()) {
        const movedOrd = insert.moved?.[id];
        if (movedOrd === undefined) continue;
        const deleteOp = this.ops[deleteIndex] as Extract<DatasetOp, { type: 'sample.delete' }>;
        if (this.ops.indexOf(insert) < deleteIndex) deleteOp.before.ord = movedOrd;
        else delete insert.moved![id];
        if (Object.keys(insert.moved!).length === 0) delete insert.moved;
      }
    }
  }

  private async completeInserts(inserted: RowState[]): Promise<void> {
    if (inserted.length === 0) return;
    const stored = await this.trx('samples')
      .whereIn('id', inserted.map((row) => row.id))
      .select('id', 'ord', 'created_at', 'updated_at', 'version');
    const byId = new Map(stored.map((row: { id: string; ord: number; createdAt: Date; updatedAt: Date; version: number }) => [row.id, row]));
    for (const row of inserted) {
      const written = byId.get(row.id)!;
      row.ord = Number(written.ord);
      row.createdAt = written.createdAt.toISOString();
      row.updatedAt = written.updatedAt.toISOString();
      row.version = written.version;
      row.status = 'stored';
      row.dirty = false;
      this.pendingInserts.get(row.id)!.sample = rowToSample(row);
      const links = this.pendingLinks.get(row.id);
      if (links) await restoreRowLinks(this.trx, row.id, links);
    }
    this.pendingInserts.clear();
    this.pendingLinks.clear();
  }
}

/** Builds a validation error naming the operation that failed. */
export function invalidOp(opIndex: number, path: string, message: string): Error {
  const issue: FieldIssue = { field: `ops.${opIndex}${path ? `.${path}` : ''}`, message };
  return validationError([issue]);
}

/** The API's view of a field state. */
export function fieldDto(field: FieldState): Field {
  const { seq: _seq, ...dto } = field;
  return dto;
}
