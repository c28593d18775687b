import type { EditState } from './edit-state.js';

/** How many clients' states one node keeps; the least recently used goes first. */
const MAX_ENTRIES = 2_000;
/** Rows one entry keeps; past this it keeps only the rows of the latest edit. */
const MAX_ROWS_PER_ENTRY = 2_000;
/** How long a client's edits skip the cache after a cached write found the dataset changed. */
const CONTENDED_MS = 10_000;

interface Entry {
  state: EditState;
  /** The base seq of the read the state grew from: its own seqs are complete only after it. */
  ownSince: number;
}

/**
 * What one client's last cell edit left on this node: the dataset's seq, the facts the policy
 * decided on, the fields, the rows it touched and the client's undo stacks. The client's next
 * cell edit can start from it instead of reading the database. Its write then also checks that
 * none of these facts changed (see writeChange). A stale state therefore writes nothing, and the
 * edit runs again from a fresh read.
 *
 * A state is taken out while an edit uses it, so two edits of one client never share one, and a
 * client whose cached writes keep failing (someone else edits the dataset at the same time) reads
 * afresh for a while. The cache holds nothing that is not in the database.
 */
export class EditStateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly contended = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes the state for a client's edit naming `sampleIds` on `baseSeq`, or returns null when
   * there is none, it lacks one of the rows, or the client sends a base older than the state has.
   */
  take(key: string, baseSeq: number, sampleIds: readonly string[]): EditState | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    if (this.isContended(key)) return null;
    if (baseSeq < entry.ownSince || baseSeq > entry.state.seq) return null;
    if (!sampleIds.every((id) => entry.state.rows.has(id))) {
      // The rows are kept so the next read can add to them.
      this.entries.set(key, entry);
      return null;
    }
    const ownSeqs = new Set([...entry.state.ownSeqs].filter((seq) => seq > baseSeq));
    return { ...entry.state, ownSeqs };
  }

  /**
   * Keeps the state a successful edit left. `readSeq` is the seq the edit's state was read at and
   * `baseSeq` the edit's base, after which the state's own seqs are complete. Rows an earlier
   * state of the client holds stay when that state was at `readSeq`, because nothing changed the
   * dataset in between.
   */
  remember(key: string, state: EditState, readSeq: number, baseSeq: number): void {
    const earlier = this.entries.get(key);
    this.entries.delete(key);
    let rows = state.rows;
    if (earlier && earlier.state.seq === readSeq) rows = new Map([...earlier.state.rows, ...rows]);
    if (rows.size > MAX_ROWS_PER_ENTRY) rows = state.rows;
    if (rows.size > MAX_ROWS_PER_ENTRY) return;
    this.entries.set(key, { state: { ...state, rows }, ownSince: baseSeq });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops a client's state, and with `contended` skips the cache for the client for a while. */
  forget(key: string, contended = false): void {
    this.entries.delete(key);
    if (contended) this.contended.set(key, this.now() + CONTENDED_MS);
  }

  private isContended(key: string): boolean {
    const until = this.contended.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.contended.delete(key);
    return false;
  }
}
