import { createSignal, onCleanup } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { ImportRecord } from '../../../common/api/imports.js';
import type { ImportProgress } from '../../../common/events.js';
import { fetchImport, fetchRecentImports } from '../api/imports.js';
import { isFinished } from '../format/import-progress.js';
import { applyProgress, pickFresher } from './import-merge.js';

/** The rate and time left of a running import; only live events carry them. */
export interface ImportPace {
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

export interface ImportsStore {
  /** The dataset's newest imports, newest first. */
  items: () => ImportRecord[];
  pace: (importId: string) => ImportPace | undefined;
  loaded: () => boolean;
  error: () => unknown;
  refresh(): Promise<void>;
  /** Adds an import this browser just uploaded. */
  add(record: ImportRecord): void;
  /** Replaces an import with the server's response to this browser's own request (review, start, cancel). */
  replace(record: ImportRecord): void;
  applyLive(progress: ImportProgress): void;
}

const RECENT_IMPORTS = 20;
/**
 * A running import that sent no event for this long is read from the API again, which reports it
 * as stalled when its worker stopped writing its heartbeat. Events come at least every 5 s while
 * a worker lives.
 */
const SILENCE_CHECK_MS = 15_000;

/**
 * Keeps a dataset's recent imports up to date from the API and from `import:progress` events.
 * The API is the source of truth: it is read on load and after reconnects, and once more when
 * an import finishes, because the events carry no issue list.
 */
export function createImportsStore(datasetId: string): ImportsStore {
  const [state, setState] = createStore<{ items: ImportRecord[]; pace: Record<string, ImportPace> }>({ items: [], pace: {} });
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  let disposed = false;
  const lastEventAt = new Map<string, number>();
  const silenceCheck = setInterval(() => {
    const now = Date.now();
    for (const record of state.items) {
      if (record.state !== 'running' || now - (lastEventAt.get(record.id) ?? 0) < SILENCE_CHECK_MS) continue;
      lastEventAt.set(record.id, now);
      void fetchFinished(record.id);
    }
  }, SILENCE_CHECK_MS / 3);
  onCleanup(() => {
    disposed = true;
    clearInterval(silenceCheck);
  });

  const upsert = (record: ImportRecord) => {
    setState(
      produce((draft) => {
        const index = draft.items.findIndex((item) => item.id === record.id);
        if (index < 0) {
          draft.items.unshift(record);
          draft.items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
          return;
        }
        draft.items[index] = pickFresher(draft.items[index], record);
      }),
    );
  };

  let refreshing: Promise<void> | null = null;
  const refresh = () => {
    refreshing ??= readList().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const readList = async () => {
    try {
      const fetched = await fetchRecentImports(datasetId, RECENT_IMPORTS);
      if (disposed) return;
      const current = new Map(state.items.map((item) => [item.id, item]));
      setState('items', fetched.map((record) => pickFresher(current.get(record.id), record)));
      setError(null);
    } catch (caught) {
      if (!disposed) setError(caught);
    } finally {
      if (!disposed) setLoaded(true);
    }
  };

  const fetchFinished = async (importId: string) => {
    try {
      const record = await fetchImport(importId);
      if (!disposed) upsert(record);
    } catch {
      // The list keeps the state from the event; the next refresh brings the issues.
    }
  };

  const applyLive = (progress: ImportProgress) => {
    lastEventAt.set(progress.importId, Date.now());
    setState('pace', progress.importId, { ratePerSecond: progress.ratePerSecond, etaSeconds: progress.etaSeconds });
    const existing = state.items.find((item) => item.id === progress.importId);
    if (!existing) {
      // Someone else's upload: the event lacks the file name, so read the list again.
      void refresh();
      return;
    }
    const wasFinished = isFinished(existing.state);
    upsert(applyProgress(existing, progress));
    // The events carry no mapping and no issue list, so the record is read when they matter.
    const needsDetail = (isFinished(progress.state) && !wasFinished) || (progress.state === 'awaiting_review' && existing.state !== 'awaiting_review');
    if (needsDetail) void fetchFinished(progress.importId);
  };

  return {
    items: () => state.items,
    pace: (importId) => state.pace[importId],
    loaded,
    error,
    refresh,
    add: upsert,
    replace: (record) => {
      setState(
        produce((draft) => {
          const index = draft.items.findIndex((item) => item.id === record.id);
          if (index < 0) draft.items.unshift(record);
          else draft.items[index] = record;
        }),
      );
    },
    applyLive,
  };
}
