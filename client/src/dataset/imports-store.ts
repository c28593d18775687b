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
  applyLive(progress: ImportProgress): void;
}

const RECENT_IMPORTS = 20;

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
  onCleanup(() => {
    disposed = true;
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
    setState('pace', progress.importId, { ratePerSecond: progress.ratePerSecond, etaSeconds: progress.etaSeconds });
    const existing = state.items.find((item) => item.id === progress.importId);
    if (!existing) {
      // Someone else's upload: the event lacks the file name, so read the list again.
      void refresh();
      return;
    }
    const wasFinished = isFinished(existing.state);
    upsert(applyProgress(existing, progress));
    if (!wasFinished && isFinished(progress.state)) void fetchFinished(progress.importId);
  };

  return {
    items: () => state.items,
    pace: (importId) => state.pace[importId],
    loaded,
    error,
    refresh,
    add: upsert,
    applyLive,
  };
}
