import type { Field } from '../api/fields.js';
import type { Sample } from '../api/samples.js';
import type { DatasetChange } from '../events.js';
import { applyCommittedOp, applyEditOp, type RowSink } from './apply-ops.js';
import type { EditAck, EditConflict } from './protocol.js';
import type { EditOp, EditRequest } from './requests.js';
import { RowPositions, segmentAt, type PositionRange, type RowSegment } from './row-positions.js';

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

/** Consecutive rows read from the API at one seq (`GET /datasets/{id}/samples/window`). */
export interface RowWindow {
  position: number;
  total: number;
  seq: number;
  items: Sample[];
}

/**
 * The outcome of loading a window. `waiting` windows are placed once the table reaches their
 * seq. An `outdated` window was read before the oldest change the table keeps, so read it again.
 */
export type WindowResult = 'applied' | 'waiting' | 'outdated';

/** Own unconfirmed new rows: those after the last row, and those right below a row, newest first. */
interface OwnInserts {
  tail: string[];
  below: Map<string, string[]>;
}

/** The rows as shown, with own unconfirmed edits on top. */
interface ShownView {
  fields: Field[];
  rows: Map<string, Sample>;
  segments: readonly RowSegment[];
  total: number;
  indexById: Map<string, number> | null;
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
 * - Rows are read in windows at any position (a grid that jumps to its end reads no row before
 *   it). Each window carries the seq it was read at: a window from before the table's seq gets
 *   the changes since replayed on it, and one from after waits until the table reaches its seq.
 *   Committed inserts and deletes move the held rows' positions, see RowPositions.
 */
export class LiveTable {
  readonly datasetId: string;
  readonly clientId: string;
  private lastSeq: number;
  private readonly committed = new Map<string, Sample>();
  private readonly positions = new RowPositions((id) => this.committed.get(id)?.ord ?? 0);
  private fields: Map<string, Field>;
  private readonly buffer = new Map<number, DatasetChange>();
  private readonly pending = new Map<string, PendingEdit>();
  private readonly recent: DatasetChange[] = [];
  private waitingWindows: RowWindow[] = [];
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private mutationCounter = 0;
  private view: ShownView | null = null;
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

  /** Whether every row of the dataset is held. */
  get isComplete(): boolean {
    return this.positions.isComplete;
  }

  /** Whether the row count is exact: a window was placed since the table started or restarted. */
  get isTotalKnown(): boolean {
    return this.positions.isTotalKnown;
  }

  /**
   * Places rows read at `window.seq`. The table must be at that seq: changes since are replayed
   * on the window first, and a window from a later seq waits for the table to catch up.
   */
  loadWindow(window: RowWindow): WindowResult {
    if (window.seq > this.lastSeq) {
      this.waitingWindows.push(window);
      this.scheduleGapCheck();
      return 'waiting';
    }
    const replay = this.recent.filter((change) => change.seq > window.seq);
    if (replay.length !== this.lastSeq - window.seq) return 'outdated';

    for (const sample of window.items) this.committed.set(sample.id, sample);
    const placed = new RowPositions((id) => this.committed.get(id)?.ord ?? 0);
    placed.place(window.position, window.items.map((sample) => sample.id), window.total);
    const sink = this.sink(placed, (id) => placed.has(id));
    for (const change of replay) for (const op of change.ops) applyCommittedOp(sink, op);

    const dropped: string[] = [];
    for (const segment of placed.all()) dropped.push(...this.positions.place(segment.start, segment.ids, placed.total));
    if (placed.all().length === 0) dropped.push(...this.positions.place(window.position, [], placed.total));
    for (const sample of window.items) if (!this.positions.has(sample.id)) dropped.push(sample.id);
    this.forget(dropped);
    this.invalidate();
    return 'applied';
  }

  /** Returns the ranges of positions between `first` and `last` whose rows are not held, to read them. */
  missing(first: number, last: number): PositionRange[] {
    return this.positions.missing(first, last);
  }

  /**
   * Returns the committed positions that hold every row shown between `first` and `last`. Own
   * unconfirmed inserts and deletes move shown rows by at most their number from their committed
   * positions, so the range is widened by that number at each end.
   */
  committedRangeFor(first: number, last: number): PositionRange {
    let shift = 0;
    for (const edit of this.pending.values()) {
      for (const op of edit.request.ops) if (op.type === 'sample.insert' || op.type === 'sample.delete') shift += 1;
    }
    return { first: Math.max(0, first - shift), last: last + shift };
  }

  /**
   * Starts again from the server's seq after a refetch was needed: every position is forgotten,
   * because inserts and deletes were missed, and the host reads the rows in view again.
   */
  restartAt(seq: number, fields: Field[]): void {
    this.lastSeq = seq;
    this.buffer.clear();
    this.recent.length = 0;
    this.waitingWindows = [];
    this.fields = new Map(fields.map((field) => [field.id, field]));
    this.forget(this.positions.clear());
    this.clearGapTimer();
    this.invalidate();
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
    if (applied) this.loadWaitingWindows();
    if (applied) this.invalidate();
    this.checkGap();
  }

  /**
   * Builds an edit request of the given operations and shows them at once. Its base is the table's
   * seq, or `baseSeq` when that is earlier: changes others made after it conflict with the edit.
   */
  edit(ops: EditOp[], options: { overwrite?: boolean; baseSeq?: number } = {}): EditRequest {
    this.mutationCounter += 1;
    const request: EditRequest = {
      datasetId: this.datasetId,
      mutationId: `${this.clientId}-${this.mutationCounter}`,
      clientId: this.clientId,
      baseSeq: Math.min(this.lastSeq, options.baseSeq ?? this.lastSeq),
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

  /** Returns the ids of the loaded rows in row order, as shown. */
  shownIds(): string[] {
    return this.currentView().segments.flatMap((segment) => segment.ids);
  }

  /** Returns the number of rows as shown: the committed count with own unconfirmed inserts and deletes. */
  shownCount(): number {
    return this.currentView().total;
  }

  /** Returns the id of the row shown at a position, or undefined when that row is not held. */
  shownIdAt(position: number): string | undefined {
    const segment = segmentAt(this.currentView().segments, position);
    return segment?.ids[position - segment.start];
  }

  /** Returns the position a row is shown at, or -1 when it is not held. */
  shownIndexOf(id: string): number {
    const view = this.currentView();
    if (!view.indexById) {
      view.indexById = new Map();
      for (const segment of view.segments) segment.ids.forEach((rowId, index) => view.indexById!.set(rowId, segment.start + index));
    }
    return view.indexById.get(id) ?? -1;
  }

  /** Returns a row as shown, or undefined when it is not loaded or deleted. */
  shownRow(id: string): Sample | undefined {
    return this.currentView().rows.get(id) ?? this.committed.get(id);
  }

  /** Returns the committed rows in row order, without own unconfirmed edits. */
  committedRows(): Sample[] {
    return this.positions.ids().map((id) => this.committed.get(id)!);
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
    const sink = this.sink(this.positions, () => true);
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

  /** Places the waiting windows the table has caught up with. */
  private loadWaitingWindows(): void {
    const ready = this.waitingWindows.filter((window) => window.seq <= this.lastSeq);
    if (ready.length === 0) return;
    this.waitingWindows = this.waitingWindows.filter((window) => window.seq > this.lastSeq);
    for (const window of ready) this.loadWindow(window);
  }

  /**
   * Builds a sink over the committed rows, limited by `accepts` to some rows. Inserts and
   * deletes move the rows of `positions`; a row is kept only while it has a position.
   */
  private sink(positions: RowPositions, accepts: (id: string) => boolean): RowSink {
    return {
      fields: this.fields,
      get: (id) => (accepts(id) ? this.committed.get(id) : undefined),
      put: (sample) => {
        this.committed.set(sample.id, sample);
      },
      insert: (sample) => {
        if (positions.has(sample.id)) {
          this.committed.set(sample.id, sample);
          return;
        }
        // The row's ord decides its position, also when the rows around it are not loaded. A row
        // an undo puts back keeps its old ord, so it returns to its place.
        const ord = sample.ord;
        const previous = this.committed.get(sample.id);
        this.committed.set(sample.id, sample);
        if (positions.insert(sample.id, ord)) return;
        if (previous) this.committed.set(sample.id, previous);
        else if (!this.positions.has(sample.id)) this.committed.delete(sample.id);
      },
      remove: (id, ord) => {
        const known = this.committed.get(id)?.ord ?? ord;
        if (known === null) return;
        positions.remove(id, known);
        if (!this.positions.has(id)) this.committed.delete(id);
      },
      all: () => [...this.committed.values()].filter((sample) => accepts(sample.id)),
    };
  }

  /** Drops the rows that lost their position from the committed rows. */
  private forget(ids: string[]): void {
    for (const id of ids) if (!this.positions.has(id)) this.committed.delete(id);
  }

  private currentView(): ShownView {
    if (this.view) return this.view;
    if (this.pending.size === 0) {
      this.view = { fields: this.committedFields(), rows: new Map(), segments: this.positions.all(), total: this.positions.total, indexById: null };
      return this.view;
    }

    // Own edits are applied to copies of the rows they touch, on top of the committed rows.
    const rows = new Map<string, Sample>();
    const removed = new Set<string>();
    const own: OwnInserts = { tail: [], below: new Map() };
    const fields = new Map(this.fields);
    const overlay: RowSink = {
      fields,
      get: (id) => (removed.has(id) ? undefined : (rows.get(id) ?? this.committed.get(id))),
      put: (sample) => void rows.set(sample.id, sample),
      insert: (sample, afterId) => {
        const isOwn = !this.positions.has(sample.id) && !rows.has(sample.id);
        rows.set(sample.id, sample);
        if (!isOwn) return;
        const anchored = afterId && (this.positions.has(afterId) || rows.has(afterId));
        if (anchored) own.below.set(afterId, [sample.id, ...(own.below.get(afterId) ?? [])]);
        else own.tail.push(sample.id);
      },
      remove: (id) => void removed.add(id),
      all: () => [...this.committed.values(), ...[...rows.values()].filter((sample) => !this.committed.has(sample.id))].filter((sample) => !removed.has(sample.id)).map((sample) => rows.get(sample.id) ?? sample),
    };
    for (const edit of this.pending.values()) {
      if (edit.seq !== null && edit.seq <= this.lastSeq) continue;
      for (const op of edit.request.ops) applyEditOp(overlay, op);
    }
    for (const id of removed) rows.delete(id);
    const shownFields = [...fields.values()].sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
    this.view = { fields: shownFields, rows, ...this.overlaidSegments(removed, own), indexById: null };
    return this.view;
  }

  /**
   * Builds the shown segments from the held ones: without own deleted rows, with own new rows
   * right below their anchor, and with the other own new rows after the last row.
   */
  private overlaidSegments(removed: Set<string>, own: OwnInserts): { segments: RowSegment[]; total: number } {
    const withBelow = (id: string, into: string[]) => {
      if (!removed.has(id)) into.push(id);
      for (const below of own.below.get(id) ?? []) withBelow(below, into);
    };

    const segments: RowSegment[] = [];
    let shift = 0;
    for (const segment of this.positions.all()) {
      const ids: string[] = [];
      for (const id of segment.ids) withBelow(id, ids);
      if (ids.length > 0) segments.push({ start: segment.start + shift, ids });
      shift += ids.length - segment.ids.length;
    }

    const end = this.positions.total + shift;
    const tail: string[] = [];
    for (const id of own.tail) withBelow(id, tail);
    if (tail.length > 0) {
      const last = segments.at(-1);
      if (last && last.start + last.ids.length === end) last.ids = [...last.ids, ...tail];
      else segments.push({ start: end, ids: tail });
    }
    return { segments, total: end + tail.length };
  }

  private invalidate(): void {
    this.view = null;
    this.host.changed();
  }

  /**
   * Schedules a sync when changes are missing. A buffered change means an earlier one is missing,
   * and an acknowledged edit ahead of lastSeq means its own change is missing.
   */
  private checkGap(): void {
    if (!this.isWaiting()) {
      this.clearGapTimer();
      return;
    }
    this.scheduleGapCheck();
  }

  private scheduleGapCheck(): void {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.isWaiting()) this.host.requestSync();
    }, this.gapDelayMs);
  }

  /**
   * Tells whether changes are missing: a buffered change waits for an earlier one, an
   * acknowledged edit for its own change, or a window for the changes before its seq.
   */
  private isWaiting(): boolean {
    if (this.buffer.size > 0 || this.waitingWindows.some((window) => window.seq > this.lastSeq)) return true;
    return [...this.pending.values()].some((edit) => edit.seq !== null && edit.seq > this.lastSeq);
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
