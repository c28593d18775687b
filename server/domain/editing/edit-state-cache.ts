import type { EditState } from './edit-state.js';
import { fieldsBytes, rowBytes } from './state-size.js';

/** Rows one entry keeps. Past this it keeps only the rows of the latest edit. */
const MAX_ROWS_PER_ENTRY = 2_000;
/** Estimated bytes one entry may take (see state-size.ts). A larger state is not kept. */
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;
/** Estimated bytes all entries of a node take together. Past this the least recently used go. */
const MAX_BYTES = 64 * 1024 * 1024;
/** How long a client's edits skip the cache after a cached write found the dataset changed. */
const CONTENDED_MS = 10_000;
/** Clients a node remembers as contended at once. Any more keep using the cache. */
const MAX_CONTENDED = 10_000;

interface Entry {
  state: EditState;
  /** The state's estimated size in bytes. */
  bytes: number;
  /** The base seq of the read the state grew from: its own seqs are complete only after it. */
  ownSince: number;
}

/**
 * A node's cache of the states that clients' last cell edits left: the dataset's seq, the facts
 * the policy decided on, the fields, the rows the edits touched and the undo stacks. A client's
 * next cell edit can start from its state instead of reading the database. Its write then also
 * checks that none of these facts changed (see writeChange). A stale state therefore writes
 * nothing, and the edit runs again from a fresh read.
 *
 * A state is taken out while an edit uses it, so two edits of one client never share one. A
 * client whose cached writes keep failing, because someone else edits the dataset at the same
 * time, reads afresh for a while. The cache contains nothing that is not in the database.
 */
export class EditStateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly contended = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limits = { rowsPerEntry: MAX_ROWS_PER_ENTRY, entryBytes: MAX_ENTRY_BYTES, bytes: MAX_BYTES },
  ) {}

  /** Entries held and their estimated bytes, for tests and logs. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /**
   * Takes the state for a client's edit naming `sampleIds` on `baseSeq`, or returns null when
   * there is none, it lacks one of the rows, or the client sends a base older than the state has.
   */
  take(key: string, baseSeq: number, sampleIds: readonly string[]): EditState | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.remove(key);
    if (this.isContended(key)) return null;
    if (baseSeq < entry.ownSince || baseSeq > entry.state.seq) return null;
    if (!sampleIds.every((id) => entry.state.rows.has(id))) {
      // The rows are kept so the next read can add to them.
      this.add(key, entry);
      return null;
    }
    const ownSeqs = new Set([...entry.state.ownSeqs].filter((seq) => seq > baseSeq));
    return { ...entry.state, ownSeqs };
  }

  /**
   * Keeps the state a successful edit left. `readSeq` is the seq the edit's state was read at and
   * `baseSeq` the edit's base, after which the state's own seqs are complete. Rows in an earlier
   * state of the client stay when that state was at `readSeq`, because nothing changed the
   * dataset in between.
   */
  remember(key: string, state: EditState, readSeq: number, baseSeq: number): void {
    const earlier = this.entries.get(key);
    this.remove(key);
    if (earlier && earlier.state.seq > state.seq) {
      // A later edit of the client finished first, so its state is the newer one.
      this.add(key, earlier);
      return;
    }
    const merged = earlier?.state.seq === readSeq ? new Map([...earlier.state.rows, ...state.rows]) : state.rows;
    const rows = merged.size <= this.limits.rowsPerEntry ? merged : state.rows;
    if (rows.size > this.limits.rowsPerEntry) return;
    const bytes = stateBytes(state.fields, rows);
    if (bytes > this.limits.entryBytes) return;
    this.add(key, { state: { ...state, rows }, bytes, ownSince: baseSeq });
  }

  /** Drops a client's state, and with `contended` skips the cache for the client for a while. */
  forget(key: string, contended = false): void {
    this.remove(key);
    if (!contended) return;
    const now = this.now();
    if (this.contended.size >= MAX_CONTENDED) {
      for (const [other, until] of this.contended) if (until <= now) this.contended.delete(other);
    }
    if (this.contended.size < MAX_CONTENDED) this.contended.set(key, now + CONTENDED_MS);
  }

  /** Adds an entry as the most recently used, then drops the least recently used past the byte limit. */
  private add(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.limits.bytes || oldest === key) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private isContended(key: string): boolean {
    const until = this.contended.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.contended.delete(key);
    return false;
  }
}

function stateBytes(fields: EditState['fields'], rows: EditState['rows']): number {
  let bytes = fieldsBytes(fields);
  for (const row of rows.values()) bytes += rowBytes(row);
  return bytes;
}
