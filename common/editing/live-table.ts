import type { Field } from '../api/fields.js';
import type { Sample } from '../api/samples.js';
import type { DatasetChange } from '../events.js';
import { applyCommittedOp, applyEditOp, type RowSink } from './apply-ops.js';
import type { EditAck, EditConflict } from './protocol.js';
import type { EditOp, EditRequest } from './requests.js';

/** Callbacks a LiveTable requires from the page or test that owns it. */
export interface LiveTableHost {
  /** Called when changes are missing (a gap in seqs, or an acknowledged change that never arrived): send `dataset:sync`. */
  requestSync(): void;
  /** Called when a change cannot be applied from its ops (an import): reload the rows shown. */
  requestReload(): void;
  /** Called after anything shown changed. */
  changed(): void;
  /** Called after a committed change was applied, e.g. to move a point on a map. */
  applied?(change: DatasetChange): void;
}

export interface LiveTableOptions {
  datasetId: string;
  /** Identifies this client in its edits; its own later edits never conflict with its earlier ones. */
  clientId: string;
  /** The seq the loaded fields and rows are at. */
  seq: number;
  fields: Field[];
  /** Milliseconds to wait for a missing change before asking for a sync; a broadcast may just be late. */
  gapDelayMs?: number;
  /** Changes kept to re-apply to rows read while they were being applied. */
  recentChanges?: number;
}

interface PendingEdit {
  request: EditRequest;
  /** The seq the server gave the edit; null until acknowledged. */
  seq: number | null;
}

/**
 * The client's copy of a dataset: the committed rows it has loaded, changed in seq order by the
 * server's changes, with the client's own unconfirmed edits shown on top. Shared by the web
 * client and the tests, so both run the same ordering, echo and catch-up logic.
 *
 * - Changes are applied strictly in seq order; a later one waits in a buffer. A gap that does not
 *   fill within `gapDelayMs` makes the table request a sync from the host.
 * - An own edit is shown at once. Its echo (the committed change with its mutation id) replaces
 *   it in the committed rows; an edit the server rejected simply disappears. An acknowledged edit
 *   whose change never arrives (its node died before broadcasting) also triggers a sync.
 * - Rows read from the API while changes arrive get the changes applied since the read started.
 */
export class LiveTable {
  readonly datasetId: string;
  readonly clientId: string;
  private lastSeq: number;
  private readonly committed = new Map<string, Sample>();
  private order: string[] = [];
  private fields: Map<string, Field>;
  private readonly buffer = new Map<number, DatasetChange>();
  private readonly pending = new Map<string, PendingEdit>();
  private readonly recent: DatasetChange[] = [];
  private readonly stale = new Set<string>();
  private complete = false;
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private mutationCounter = 0;
  private view: { fields: Field[]; rows: Map<string, Sample>; ids: string[] } | null = null;
  private readonly gapDelayMs: number;
  private readonly recentLimit: number;

  constructor(
    options: LiveTableOptions,
    private readonly host: LiveTableHost,
  ) {
    this.datasetId = options.datasetId;
    this.clientId = options.clientId;
    this.lastSeq = options.seq;
    this.fields = new Map(options.fields.map((field) => [field.id, field]));
    this.gapDelayMs = options.gapDelayMs ?? 400;
    this.recentLimit = options.recentChanges ?? 2000;
  }

  /** The seq of the last change applied to the committed rows. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Whether every row of the dataset is loaded, so rows others insert are added at the end. */
  get isComplete(): boolean {
    return this.complete;
  }

  /** Adds rows read from the API; changes applied since `readAfterSeq` are applied to them again. */
  loadRows(samples: Sample[], readAfterSeq: number, complete: boolean): void {
    const replay = this.recent.filter((change) => change.seq > readAfterSeq);
    const ids = new Set(samples.map((sample) => sample.id));
    let sorted = true;
    for (const sample of samples) {
      if (!this.committed.has(sample.id)) {
        const lastOrd = this.lastOrd();
        if (lastOrd !== null && sample.ord < lastOrd) sorted = false;
        this.order.push(sample.id);
      }
      this.committed.set(sample.id, sample);
      this.stale.delete(sample.id);
    }
    if (replay.length > 0) {
      const sink = this.sink((id) => ids.has(id));
      for (const change of replay) for (const op of change.ops) if (op.type !== 'sample.insert') applyCommittedOp(sink, op);
    }
    // Pages arrive in row order, so sorting is needed only when rows are read out of order.
    if (!sorted) this.sortOrder();
    this.complete = complete;
    this.invalidate();
  }

  /** Replaces rows read again by id; ids the API no longer returned were deleted. */
  refreshRows(requested: string[], samples: Sample[], readAfterSeq: number): void {
    const found = new Set(samples.map((sample) => sample.id));
    for (const id of requested) {
      if (found.has(id)) continue;
      this.committed.delete(id);
      this.stale.delete(id);
    }
    this.order = this.order.filter((id) => this.committed.has(id));
    this.loadRows(samples, readAfterSeq, this.complete);
  }

  /**
   * Starts again from the server's seq after a refetch was needed: loaded rows are kept but
   * marked stale until read again, and rows others added load as the table is scrolled.
   */
  restartAt(seq: number, fields: Field[]): void {
    this.lastSeq = seq;
    this.buffer.clear();
    this.recent.length = 0;
    this.fields = new Map(fields.map((field) => [field.id, field]));
    for (const id of this.committed.keys()) this.stale.add(id);
    this.complete = false;
    this.clearGapTimer();
    this.invalidate();
  }

  /** Rows that must be read again before they are trusted, for the host's refetch of visible rows. */
  isStale(id: string): boolean {
    return this.stale.has(id);
  }

  /** Returns the last loaded row's ord, where paging continues. */
  lastOrd(): number | null {
    const last = this.order.at(-1);
    return last === undefined ? null : (this.committed.get(last)?.ord ?? null);
  }

  /** Takes a change from the server (broadcast or sync), applying it and any buffered successors in order. */
  receive(change: DatasetChange): void {
    if (change.datasetId !== this.datasetId || change.seq <= this.lastSeq) return;
    this.buffer.set(change.seq, change);
    let applied = false;
    while (this.buffer.has(this.lastSeq + 1)) {
      const next = this.buffer.get(this.lastSeq + 1)!;
      this.buffer.delete(next.seq);
      this.applyCommitted(next);
      applied = true;
    }
    if (applied) this.invalidate();
    this.checkGap();
  }

  /** Builds an edit request of the given operations and shows them at once. */
  edit(ops: EditOp[], options: { overwrite?: boolean } = {}): EditRequest {
    this.mutationCounter += 1;
    const request: EditRequest = {
      datasetId: this.datasetId,
      mutationId: `${this.clientId}-${this.mutationCounter}`,
      clientId: this.clientId,
      baseSeq: this.lastSeq,
      ops,
      ...(options.overwrite ? { overwrite: true } : {}),
    };
    this.pending.set(request.mutationId, { request, seq: null });
    this.invalidate();
    return request;
  }

  /** Applies the server's acknowledgement of an edit and returns its conflicts for the host to show. */
  acknowledge(mutationId: string, ack: EditAck): EditConflict[] {
    const edit = this.pending.get(mutationId);
    if (!ack.ok) {
      this.pending.delete(mutationId);
      this.invalidate();
      return ack.conflicts ?? [];
    }
    if (edit) {
      edit.seq = ack.seq;
      if (ack.seq <= this.lastSeq) this.pending.delete(mutationId);
      else this.scheduleGapCheck();
    }
    this.invalidate();
    return ack.conflicts;
  }

  /** Forgets an edit that will never be acknowledged, because the request timed out and will not be resent. */
  abandon(mutationId: string): void {
    if (this.pending.delete(mutationId)) this.invalidate();
  }

  /** Edits sent but not yet acknowledged, to send again after a reconnect; the server applies each mutation id once. */
  unacknowledged(): EditRequest[] {
    return [...this.pending.values()].filter((edit) => edit.seq === null).map((edit) => edit.request);
  }

  /** Reports whether the client has edits the server has not confirmed. */
  hasPendingEdits(): boolean {
    return this.pending.size > 0;
  }

  /** Returns the fields as shown: committed, with own unconfirmed field edits on top. */
  shownFields(): Field[] {
    return this.currentView().fields;
  }

  /** Row ids in row order as shown. */
  shownIds(): string[] {
    return this.currentView().ids;
  }

  /** Returns a row as shown, or undefined when it is not loaded or deleted. */
  shownRow(id: string): Sample | undefined {
    return this.currentView().rows.get(id) ?? this.committed.get(id);
  }

  /** Returns the committed rows in row order, without own unconfirmed edits. */
  committedRows(): Sample[] {
    return this.order.map((id) => this.committed.get(id)!);
  }

  committedFields(): Field[] {
    return [...this.fields.values()].sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
  }

  /** Reports whether an own unconfirmed edit touches a row. */
  isPendingRow(id: string): boolean {
    for (const edit of this.pending.values()) {
      if (edit.request.ops.some((op) => opTouchesRow(op, id))) return true;
    }
    return false;
  }

  /** Stops the gap timer; call when the table is discarded. */
  dispose(): void {
    this.clearGapTimer();
  }

  private applyCommitted(change: DatasetChange): void {
    const sink = this.sink(() => true);
    let reload = false;
    for (const op of change.ops) reload = applyCommittedOp(sink, op) || reload;
    this.lastSeq = change.seq;
    this.recent.push(change);
    if (this.recent.length > this.recentLimit) this.recent.shift();

    if (change.mutationId) this.pending.delete(change.mutationId);
    for (const [id, edit] of this.pending) if (edit.seq !== null && edit.seq <= this.lastSeq) this.pending.delete(id);
    this.host.applied?.(change);
    if (reload) this.host.requestReload();
  }

  /** Builds a sink over the committed rows, limited by `accepts` to some rows. */
  private sink(accepts: (id: string) => boolean): RowSink {
    return {
      fields: this.fields,
      get: (id) => (accepts(id) ? this.committed.get(id) : undefined),
      put: (sample) => {
        this.committed.set(sample.id, sample);
      },
      insert: (sample) => {
        if (this.committed.has(sample.id)) {
          this.committed.set(sample.id, sample);
          return;
        }
        // New rows get the next ord and belong at the end, where paging brings them while the
        // table is not fully loaded. A row an undo puts back keeps its old ord, inside the rows.
        const lastOrd = this.lastOrd();
        if (!this.complete && (lastOrd === null || sample.ord > lastOrd)) return;
        this.committed.set(sample.id, sample);
        this.order.splice(this.positionOf(sample.ord), 0, sample.id);
      },
      remove: (id) => {
        if (!this.committed.delete(id)) return;
        const index = this.order.indexOf(id);
        if (index >= 0) this.order.splice(index, 1);
      },
      all: () => [...this.committed.values()].filter((sample) => accepts(sample.id)),
    };
  }

  private currentView(): { fields: Field[]; rows: Map<string, Sample>; ids: string[] } {
    if (this.view) return this.view;
    if (this.pending.size === 0) {
      this.view = { fields: this.committedFields(), rows: new Map(), ids: this.order };
      return this.view;
    }

    // Own edits are applied to copies of the rows they touch, on top of the committed rows.
    const rows = new Map<string, Sample>();
    const removed = new Set<string>();
    const added: string[] = [];
    const fields = new Map(this.fields);
    const overlay: RowSink = {
      fields,
      get: (id) => (removed.has(id) ? undefined : (rows.get(id) ?? this.committed.get(id))),
      put: (sample) => void rows.set(sample.id, sample),
      insert: (sample) => {
        rows.set(sample.id, sample);
        if (!this.committed.has(sample.id)) added.push(sample.id);
      },
      remove: (id) => void removed.add(id),
      all: () => [...this.committed.values(), ...added.map((id) => rows.get(id)!)].filter((sample) => !removed.has(sample.id)).map((sample) => rows.get(sample.id) ?? sample),
    };
    for (const edit of this.pending.values()) {
      if (edit.seq !== null && edit.seq <= this.lastSeq) continue;
      for (const op of edit.request.ops) applyEditOp(overlay, op);
    }
    const ids = removed.size === 0 && added.length === 0 ? this.order : [...this.order.filter((id) => !removed.has(id)), ...added.filter((id) => !removed.has(id))];
    for (const id of removed) rows.delete(id);
    const shownFields = [...fields.values()].sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
    this.view = { fields: shownFields, rows, ids };
    return this.view;
  }

  private invalidate(): void {
    this.view = null;
    this.host.changed();
  }

  /** Returns the index where a row with this ord belongs in `order`, by binary search. */
  private positionOf(ord: number): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.committed.get(this.order[middle]!)?.ord ?? 0) < ord) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private sortOrder(): void {
    this.order.sort((a, b) => (this.committed.get(a)?.ord ?? 0) - (this.committed.get(b)?.ord ?? 0));
  }

  /**
   * Schedules a sync when changes are missing. A buffered change means an earlier one is missing,
   * and an acknowledged edit ahead of lastSeq means its own change is missing.
   */
  private checkGap(): void {
    const waiting = this.buffer.size > 0 || [...this.pending.values()].some((edit) => edit.seq !== null && edit.seq > this.lastSeq);
    if (!waiting) {
      this.clearGapTimer();
      return;
    }
    this.scheduleGapCheck();
  }

  private scheduleGapCheck(): void {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      const waiting = this.buffer.size > 0 || [...this.pending.values()].some((edit) => edit.seq !== null && edit.seq > this.lastSeq);
      if (waiting) this.host.requestSync();
    }, this.gapDelayMs);
  }

  private clearGapTimer(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }
}

/** Reports whether an edit operation changes or inserts the row with the given id. */
function opTouchesRow(op: EditOp, id: string): boolean {
  if ('sampleId' in op) return op.sampleId === id;
  return op.type === 'sample.insert' && op.sample.id === id;
}
