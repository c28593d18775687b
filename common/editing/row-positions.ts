/** A run of rows at consecutive positions in row order. */
export interface RowSegment {
  /** Zero-based position of the first row. */
  start: number;
  ids: string[];
}

/** A range of positions, both ends included. */
export interface PositionRange {
  first: number;
  last: number;
}

/**
 * Tracks which rows a client has loaded ("held" rows) and at which positions, for a dataset it
 * reads in windows rather than from the start. Held rows form segments, and the positions
 * between them are unknown until read. A committed insert or delete shifts every later
 * segment, so positions stay exact while the client applies every change in seq order. The
 * row's `ord` (from the change) decides where an insert or delete falls, also when the row
 * itself is not held.
 *
 * The invariant: segments are sorted, non-empty, never overlap or touch (touching ones merge),
 * and their rows' ords increase with position.
 */
export class RowPositions {
  private segments: RowSegment[] = [];
  private readonly held = new Set<string>();
  private rowTotal = 0;
  private totalKnown = false;

  constructor(private readonly ordOf: (id: string) => number) {}

  /** Rows in the dataset: exact once a window was placed, else the last known count. */
  get total(): number {
    return this.rowTotal;
  }

  /** Whether the total came from the server rather than being unknown. */
  get isTotalKnown(): boolean {
    return this.totalKnown;
  }

  /** Whether every row of the dataset is held. */
  get isComplete(): boolean {
    if (!this.totalKnown) return false;
    if (this.rowTotal === 0) return true;
    const only = this.segments[0];
    return this.segments.length === 1 && only!.start === 0 && only!.ids.length === this.rowTotal;
  }

  has(id: string): boolean {
    return this.held.has(id);
  }

  /** Returns the held segments in position order. Callers must not change them. */
  all(): readonly RowSegment[] {
    return this.segments;
  }

  /** Held row ids in position order. */
  ids(): string[] {
    return this.segments.flatMap((segment) => segment.ids);
  }

  idAt(position: number): string | undefined {
    const segment = segmentAt(this.segments, position);
    return segment?.ids[position - segment.start];
  }

  /**
   * Places rows read at `position` in a snapshot of `total` rows, which must be the table's
   * current state. Held segments that contradict the window (the same row elsewhere, or ords out
   * of order) are dropped, so they are read again. Returns the ids no longer held.
   */
  place(position: number, ids: string[], total: number): string[] {
    const before = new Set(this.held);
    // Held positions were tracked at the same seq, so a different count means they went wrong.
    const others = this.totalKnown && total !== this.rowTotal ? [] : this.segments;
    this.rowTotal = total;
    this.totalKnown = true;

    const incoming = new Set(ids);
    const remaining: RowSegment[] = [];
    for (const segment of others) {
      for (const piece of ids.length === 0 ? [segment] : cut(segment, position, position + ids.length)) {
        if (!piece.ids.some((id) => incoming.has(id)) && piece.start < total) remaining.push(trim(piece, total));
      }
    }
    if (ids.length > 0) remaining.push({ start: position, ids: [...ids] });
    remaining.sort((a, b) => a.start - b.start);
    this.segments = ids.length === 0 ? remaining : this.dropDisordered(remaining, position);
    this.merge();
    this.rebuildHeld();
    return [...before].filter((id) => !this.held.has(id));
  }

  /**
   * Records a committed insert of a row with this ord. Returns true when the row's position is
   * known, so the row is now held. Returns false when it fell between held segments, where it
   * only moves the later segments down.
   */
  insert(id: string, ord: number): boolean {
    if (this.held.has(id) || !this.totalKnown) return false;
    const totalBefore = this.rowTotal;
    this.rowTotal += 1;

    const index = this.segments.findIndex((segment) => this.ordOf(segment.ids.at(-1)!) > ord);
    if (index < 0) return this.insertAfterHeld(id, totalBefore);

    const segment = this.segments[index]!;
    const firstOrd = this.ordOf(segment.ids[0]!);
    if (firstOrd < ord) {
      segment.ids.splice(this.indexByOrd(segment.ids, ord), 0, id);
      return this.heldAfterShift(id, index + 1);
    }
    const gapBefore = segment.start - (index > 0 ? end(this.segments[index - 1]!) : 0);
    if (gapBefore === 0) {
      segment.ids.unshift(id);
      return this.heldAfterShift(id, index + 1);
    }
    this.shift(index, 1);
    return false;
  }

  /** Records a committed delete of a row with this ord, held or not. */
  remove(id: string, ord: number): void {
    if (!this.totalKnown) return;
    this.rowTotal = Math.max(0, this.rowTotal - 1);

    if (this.held.delete(id)) {
      const index = this.segments.findIndex((segment) => segment.ids.includes(id));
      const segment = this.segments[index]!;
      segment.ids.splice(segment.ids.indexOf(id), 1);
      if (segment.ids.length === 0) this.segments.splice(index, 1);
      this.shift(segment.ids.length === 0 ? index : index + 1, -1);
      return;
    }

    const index = this.segments.findIndex((segment) => this.ordOf(segment.ids.at(-1)!) > ord);
    if (index < 0) return;
    if (this.ordOf(this.segments[index]!.ids[0]!) < ord) {
      // A row inside a held run that the run does not hold: the run is out of date, so read it again.
      for (const dropped of this.segments[index]!.ids) this.held.delete(dropped);
      this.segments.splice(index, 1);
    }
    this.shift(index, -1);
    this.merge();
  }

  /** Forgets every position, e.g. after a catch-up that could not replay the changes. The total stays as an estimate. */
  clear(): string[] {
    const dropped = [...this.held];
    this.segments = [];
    this.held.clear();
    this.totalKnown = false;
    return dropped;
  }

  /** Returns the ranges of positions between `first` and `last` that are not held. */
  missing(first: number, last: number): PositionRange[] {
    const upper = Math.min(last, this.totalKnown ? this.rowTotal - 1 : last);
    const ranges: PositionRange[] = [];
    let cursor = Math.max(0, first);
    for (const segment of this.segments) {
      if (cursor > upper) break;
      if (end(segment) <= cursor) continue;
      if (segment.start > cursor) ranges.push({ first: cursor, last: Math.min(segment.start - 1, upper) });
      cursor = end(segment);
    }
    if (cursor <= upper) ranges.push({ first: cursor, last: upper });
    return ranges;
  }

  private insertAfterHeld(id: string, totalBefore: number): boolean {
    const last = this.segments.at(-1);
    const reachesEnd = last ? end(last) === totalBefore : totalBefore === 0;
    if (!reachesEnd) return false;
    if (last) last.ids.push(id);
    else this.segments.push({ start: 0, ids: [id] });
    this.held.add(id);
    return true;
  }

  private heldAfterShift(id: string, from: number): boolean {
    this.held.add(id);
    this.shift(from, 1);
    return true;
  }

  private shift(from: number, delta: number): void {
    for (let index = from; index < this.segments.length; index += 1) this.segments[index]!.start += delta;
    if (delta < 0) this.merge();
  }

  /** Merges segments that touch after a shift or a placement. */
  private merge(): void {
    const merged: RowSegment[] = [];
    for (const segment of this.segments) {
      const previous = merged.at(-1);
      if (previous && end(previous) >= segment.start) previous.ids.push(...segment.ids.slice(end(previous) - segment.start));
      else merged.push(segment);
    }
    this.segments = merged;
  }

  /** Keeps the segment placed at `placedAt` and drops any other whose ords would be out of order beside it. */
  private dropDisordered(segments: RowSegment[], placedAt: number): RowSegment[] {
    const placed = segments.find((segment) => segment.start === placedAt);
    if (!placed) return segments;
    const firstOrd = this.ordOf(placed.ids[0]!);
    const lastOrd = this.ordOf(placed.ids.at(-1)!);
    return segments.filter((segment) => {
      if (segment === placed) return true;
      if (segment.start < placedAt) return this.ordOf(segment.ids.at(-1)!) < firstOrd;
      return this.ordOf(segment.ids[0]!) > lastOrd;
    });
  }

  private rebuildHeld(): void {
    this.held.clear();
    for (const segment of this.segments) for (const id of segment.ids) this.held.add(id);
  }

  /** Returns the index in `ids` (sorted by ord) where a row with this ord belongs. */
  private indexByOrd(ids: string[], ord: number): number {
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ordOf(ids[middle]!) < ord) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Finds the segment that contains a position, by binary search over sorted segments. */
export function segmentAt(segments: readonly RowSegment[], position: number): RowSegment | undefined {
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const segment = segments[middle]!;
    if (position < segment.start) high = middle - 1;
    else if (position >= end(segment)) low = middle + 1;
    else return segment;
  }
  return undefined;
}

function end(segment: RowSegment): number {
  return segment.start + segment.ids.length;
}

/** Returns the parts of a segment outside the positions [from, to). */
function cut(segment: RowSegment, from: number, to: number): RowSegment[] {
  if (end(segment) <= from || segment.start >= to) return [segment];
  const pieces: RowSegment[] = [];
  if (segment.start < from) pieces.push({ start: segment.start, ids: segment.ids.slice(0, from - segment.start) });
  if (end(segment) > to) pieces.push({ start: to, ids: segment.ids.slice(to - segment.start) });
  return pieces;
}

/** Drops the rows of a segment at positions at or past `total`. */
function trim(segment: RowSegment, total: number): RowSegment {
  return end(segment) <= total ? segment : { start: segment.start, ids: segment.ids.slice(0, total - segment.start) };
}
