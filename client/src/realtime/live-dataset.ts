import { batch, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { Field } from '../../../common/api/fields.js';
import type { Sample } from '../../../common/api/samples.js';
import { EDIT_LIMITS } from '../../../common/editing/limits.js';
import { LiveTable } from '../../../common/editing/live-table.js';
import type { EditAck, EditConflict, PresenceEvent, Viewer } from '../../../common/editing/protocol.js';
import type { EditOp, EditRequest, PresenceFocus } from '../../../common/editing/requests.js';
import type { DatasetChange, DatasetOp } from '../../../common/events.js';
import { fetchFields } from '../api/datasets.js';
import { getSocket } from './socket.js';
import { createWindowLoader } from './window-loader.js';

const ACK_TIMEOUT_MS = 10_000;
/** Presence updates are sent at most this often; the server throttles them again. */
const PRESENCE_INTERVAL_MS = 120;

/** Conflicts the user must decide on: keep their edit, or take the other person's. */
export interface ConflictPrompt {
  kind: 'edit' | 'undo' | 'redo';
  conflicts: EditConflict[];
  /** The operations to send again with `overwrite` when the user keeps theirs: those on changed cells. */
  ops: EditOp[];
}

/** A short message about an edit that failed, for the grid's status line. */
export interface EditProblem {
  message: string;
  at: number;
}

/** The dataset as the page shows and edits it. */
export interface LiveDataset {
  table: LiveTable;
  /** Increases whenever anything shown changed; read it to track changes. */
  version: Accessor<number>;
  fields: Accessor<Field[]>;
  canEdit: Accessor<boolean>;
  undoDepth: Accessor<number>;
  redoDepth: Accessor<number>;
  viewers: Accessor<Viewer[]>;
  conflict: Accessor<ConflictPrompt | null>;
  problem: Accessor<EditProblem | null>;
  loading: Accessor<boolean>;
  loadError: Accessor<unknown>;
  /** Rows to show: the table's count once rows were read, else the dataset's stated count. */
  count(expectedTotal: number): number;
  rowAt(index: number): Sample | undefined;
  /** Returns the position of a held row, or -1 when the row is not loaded. */
  indexOf(sampleId: string): number;
  /**
   * Returns the position of a row, reading the rows around it first when it is not loaded.
   * Resolves with -1 when the row no longer exists or could not be read.
   */
  locate(sampleId: string): Promise<number>;
  /** Reads the rows around the positions `first` to `last`, which are in view, unless they are held. */
  ensureLoaded(first: number, last: number): void;
  /**
   * Reads every row not held between the positions `first` and `last`, e.g. the rows a paste
   * covers. Resolves with false when the table was replaced meanwhile or reads kept coming back
   * outdated, and rejects when a request fails.
   */
  ensureRows(first: number, last: number): Promise<boolean>;
  /**
   * Sends an edit and shows it at once. `baseSeq` sends an earlier base than the table's seq, e.g.
   * the seq when a cell's editor opened, so others' changes since then conflict.
   */
  edit(ops: EditOp[], options?: { overwrite?: boolean; baseSeq?: number }): void;
  undo(overwrite?: boolean): void;
  redo(overwrite?: boolean): void;
  resolveConflict(choice: 'mine' | 'theirs'): void;
  focus(focus: PresenceFocus | null): void;
  /** Calls `listener` with the ops and seq of every committed change, after it was applied. */
  onCommitted(listener: (ops: DatasetOp[], seq: number) => void): () => void;
  /** Called by the room: a change from the server. */
  receive(change: DatasetChange): void;
  /** Called by the room after every (re)join, with the join's acknowledgement. */
  joined(info: { seq: number; canEdit?: boolean; undoDepth?: number; redoDepth?: number }): void;
  presence(event: PresenceEvent): void;
  /** Reloads everything, e.g. after an import merged rows. */
  reload(): void;
}

/**
 * Builds the live copy of a dataset for the page: a LiveTable (ordering, echoes, catch-up) fed
 * by windows of rows around the rows in view, the room's changes and `dataset:sync`. Edits go out with acknowledgements
 * and are sent again after a reconnect until acknowledged.
 */
export function createLiveDataset(datasetId: string, reloadMeta: () => void): LiveDataset {
  const socket = getSocket();
  const [version, setVersion] = createSignal(0);
  const [canEdit, setCanEdit] = createSignal(false);
  const [undoDepth, setUndoDepth] = createSignal(0);
  const [redoDepth, setRedoDepth] = createSignal(0);
  const [viewerMap, setViewerMap] = createSignal(new Map<string, Viewer>());
  const [conflict, setConflict] = createSignal<ConflictPrompt | null>(null);
  const [problem, setProblem] = createSignal<EditProblem | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const listeners = new Set<(ops: DatasetOp[], seq: number) => void>();
  const clientId = crypto.randomUUID();

  let bumpQueued = false;
  const bump = () => {
    if (bumpQueued) return;
    bumpQueued = true;
    queueMicrotask(() => {
      bumpQueued = false;
      setVersion((value) => value + 1);
    });
  };

  let table = newTable(0, []);
  let started = false;
  /** Changes that arrive between the first join and the table's creation, applied once it exists. */
  let early: DatasetChange[] | null = [];
  let generation = 0;
  let syncing = false;
  const windows = createWindowLoader({
    datasetId,
    table: () => table,
    ready: () => early === null && !loadError(),
    onLoading: setLoading,
    onError: setLoadError,
  });

  function newTable(seq: number, fields: Field[]): LiveTable {
    return new LiveTable(
      { datasetId, clientId, seq, fields },
      {
        requestSync: () => void sync(),
        requestReload: () => reload(),
        changed: bump,
        applied: (change) => {
          for (const listener of listeners) listener(change.ops, change.seq);
        },
      },
    );
  }

  const sync = async () => {
    if (syncing || !socket.connected) return;
    syncing = true;
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('dataset:sync', { datasetId, afterSeq: table.seq });
      if (!ack.ok) return;
      if (ack.refetch) {
        // Too far behind to replay: start again at the server's seq and read the rows in view again.
        reloadMeta();
        windows.reset();
        table.restartAt(ack.seq, table.committedFields());
        windows.show(lastRange.first, lastRange.last);
        return;
      }
      batch(() => {
        for (const change of ack.changes) table.receive(change);
      });
    } catch {
      // No acknowledgement, so the next reconnect or gap requests the sync again.
    } finally {
      syncing = false;
    }
  };

  /** Own inserts not yet acknowledged, by row id. */
  const insertsInFlight = new Map<string, Promise<void>>();

  /**
   * Sends an edit. The server handles a socket's edits concurrently, so an edit of a row this
   * client is still inserting (typing into a new row) waits for that insert's acknowledgement.
   */
  const send = (request: EditRequest, kind: 'edit') => {
    const waits = rowIdsOf(request.ops).flatMap((id) => insertsInFlight.get(id) ?? []);
    const sent = Promise.all(waits)
      .then(() => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('dataset:edit', request))
      .then((ack) => handleAck(request, ack, kind))
      .catch(() => {
        // Unanswered: the edit stays pending and is sent again after the reconnect.
      });
    for (const op of request.ops) {
      if (op.type !== 'sample.insert') continue;
      insertsInFlight.set(op.sample.id, sent);
      void sent.then(() => insertsInFlight.delete(op.sample.id));
    }
  };

  const handleAck = (request: EditRequest, ack: EditAck, kind: 'edit') => {
    const conflicts = table.acknowledge(request.mutationId, ack);
    if (ack.ok) {
      setUndoDepth(ack.undoDepth);
      setRedoDepth(ack.redoDepth);
    } else if (ack.error.code !== 'conflict') {
      setProblem({ message: ack.error.message, at: Date.now() });
    }
    if (conflicts.length > 0) {
      // Only changed cells can be overwritten; a deleted row or a taken field key cannot come back this way.
      const ops = conflicts.filter((item) => item.reason === 'changed').map((item) => request.ops[item.opIndex]!).filter((op) => op !== undefined);
      setConflict({ kind, conflicts, ops });
    }
  };

  const undoOrRedo = (direction: 'undo' | 'redo', overwrite: boolean) => {
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(`dataset:${direction}`, { datasetId, mutationId: crypto.randomUUID(), ...(overwrite ? { overwrite: true } : {}) })
      .then((ack) => {
        if (ack.ok) {
          setUndoDepth(ack.undoDepth);
          setRedoDepth(ack.redoDepth);
          return;
        }
        if (ack.conflicts && ack.conflicts.length > 0) setConflict({ kind: direction, conflicts: ack.conflicts, ops: [] });
        else setProblem({ message: ack.error.message, at: Date.now() });
      })
      .catch(() => setProblem({ message: `The server did not answer the ${direction}; try again when the connection is back.`, at: Date.now() }));
  };

  let presenceTimer: ReturnType<typeof setTimeout> | null = null;
  let presenceNext: PresenceFocus | null | undefined;
  const flushPresence = () => {
    presenceTimer = null;
    if (presenceNext === undefined) return;
    socket.volatile.emit('presence:update', { datasetId, focus: presenceNext });
    presenceNext = undefined;
    presenceTimer = setTimeout(flushPresence, PRESENCE_INTERVAL_MS);
  };

  let lastRange = { first: 0, last: 0 };

  /**
   * Makes a new table at a seq, with the fields read after it. Changes that arrive meanwhile
   * wait in `early` and are applied to the new table.
   */
  const startTable = (seq: number) => {
    early ??= [];
    generation += 1;
    windows.reset();
    setLoadError(null);
    const started = generation;
    fetchFields(datasetId)
      .then((fields) => {
        if (started !== generation) return;
        table.dispose();
        table = newTable(seq, fields);
        const waiting = early ?? [];
        early = null;
        for (const change of waiting) table.receive(change);
        bump();
        windows.show(lastRange.first, lastRange.last);
      })
      .catch((error: unknown) => setLoadError(error));
  };

  /** Reads fields and rows again, e.g. after an import merged rows the changes do not list. */
  const reload = () => {
    reloadMeta();
    startTable(table.seq);
  };

  onCleanup(() => {
    generation += 1;
    windows.reset();
    table.dispose();
    if (presenceTimer) clearTimeout(presenceTimer);
  });

  return {
    get table() {
      return table;
    },
    version,
    fields: () => {
      version();
      return table.shownFields();
    },
    canEdit,
    undoDepth,
    redoDepth,
    viewers: () => [...viewerMap().values()].filter((viewer) => viewer.id !== socket.id),
    conflict,
    problem,
    loading,
    loadError,
    count(expectedTotal) {
      version();
      return table.isTotalKnown ? table.shownCount() : Math.max(expectedTotal, table.shownCount());
    },
    rowAt(index) {
      version();
      const id = table.shownIdAt(index);
      return id === undefined ? undefined : table.shownRow(id);
    },
    indexOf(sampleId) {
      version();
      return table.shownIndexOf(sampleId);
    },
    async locate(sampleId) {
      const shown = await windows.readAround(sampleId).catch(() => false);
      return shown ? table.shownIndexOf(sampleId) : -1;
    },
    ensureLoaded(first, last) {
      lastRange = { first, last };
      windows.show(first, last);
    },
    ensureRows(first, last) {
      // Positions here are as shown, with own unconfirmed inserts and deletes; reads go by committed position.
      const range = table.committedRangeFor(first, last);
      return windows.readRange(range.first, range.last);
    },
    edit(ops, options = {}) {
      const request = table.edit(ops, options);
      if (new Blob([JSON.stringify(request)]).size > EDIT_LIMITS.maxBytes) {
        table.abandon(request.mutationId);
        setProblem({ message: `This edit is too large to send (over ${EDIT_LIMITS.maxBytes / 1024} KiB); paste fewer cells at a time.`, at: Date.now() });
        return;
      }
      send(request, 'edit');
    },
    undo: (overwrite = false) => undoOrRedo('undo', overwrite),
    redo: (overwrite = false) => undoOrRedo('redo', overwrite),
    resolveConflict(choice) {
      const prompt = conflict();
      setConflict(null);
      if (!prompt || choice === 'theirs') return;
      if (prompt.kind === 'edit' && prompt.ops.length > 0) this.edit(prompt.ops, { overwrite: true });
      if (prompt.kind !== 'edit') undoOrRedo(prompt.kind, true);
    },
    focus(focus) {
      presenceNext = focus;
      if (!presenceTimer) flushPresence();
    },
    onCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    receive(change) {
      if (early) early.push(change);
      else table.receive(change);
    },
    joined(info) {
      setCanEdit(info.canEdit ?? false);
      setUndoDepth(info.undoDepth ?? 0);
      setRedoDepth(info.redoDepth ?? 0);
      if (!started) {
        // Fields are read after the join, so changes broadcast meanwhile reach the new table.
        started = true;
        startTable(info.seq);
        return;
      }
      void sync();
      for (const request of table.unacknowledged()) send(request, 'edit');
    },
    presence(event) {
      if (event.datasetId !== datasetId) return;
      setViewerMap((current) => {
        const next = event.full ? new Map<string, Viewer>() : new Map(current);
        for (const viewer of event.viewers) next.set(viewer.id, viewer);
        for (const id of event.left) next.delete(id);
        return next;
      });
    },
    reload,
  };
}

/** Returns the ids of the rows the operations change, insert or insert after. */
function rowIdsOf(ops: EditOp[]): string[] {
  return ops.flatMap((op) => {
    if (op.type === 'sample.insert') return op.afterId ? [op.sample.id, op.afterId] : [op.sample.id];
    return 'sampleId' in op ? [op.sampleId] : [];
  });
}
