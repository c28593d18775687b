import { createSignal, onCleanup } from 'solid-js';
import type { Sample } from '../../../common/api/samples.js';
import { isAbort } from '../api/http.js';
import { fetchSamplePage } from '../api/samples.js';
import { MAX_PAGE_SIZE } from '../api/page.js';

/** The first page is small so the first rows show quickly; later pages use the API's maximum. */
const FIRST_PAGE_SIZE = 200;

export interface SampleRows {
  /** Rows the table should have: the dataset's stated count until the last page has arrived, then the rows received. */
  count(expectedTotal: number): number;
  /** The sample at a row index, or undefined while its page is not loaded. Tracks loading. */
  row(index: number): Sample | undefined;
  /** Fetches pages until the row at `index` is loaded or the listing ends. */
  ensureLoaded(index: number): void;
  /** Drops every loaded row and starts again, after the dataset's rows changed. */
  reset(): void;
  retry(): void;
  loading: () => boolean;
  error: () => unknown;
}

/**
 * Loads a dataset's samples page by page in row order as the table scrolls. The API paginates
 * by cursor, so pages arrive in sequence: jumping to row 50,000 loads the pages before it first.
 */
export function createSampleRows(datasetId: () => string): SampleRows {
  let rows: Sample[] = [];
  let cursor: string | null | undefined;
  let target = 0;
  let running = false;
  let generation = 0;
  let controller = new AbortController();
  const [version, setVersion] = createSignal(0);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);

  const needsMore = () => cursor !== null && rows.length <= target;

  const pump = async () => {
    if (running || error() || !needsMore()) return;
    running = true;
    setLoading(true);
    const started = generation;
    try {
      while (started === generation && needsMore()) {
        const page = await fetchSamplePage(datasetId(), rows.length === 0 ? FIRST_PAGE_SIZE : MAX_PAGE_SIZE, cursor ?? null, controller.signal);
        if (started !== generation) return;
        for (const sample of page.items) rows.push(sample);
        cursor = page.nextCursor;
        setVersion((value) => value + 1);
      }
    } catch (caught) {
      if (started === generation && !isAbort(caught)) setError(caught);
    } finally {
      if (started === generation) {
        running = false;
        setLoading(false);
      }
    }
  };

  const reset = () => {
    generation += 1;
    controller.abort();
    controller = new AbortController();
    rows = [];
    cursor = undefined;
    running = false;
    setError(null);
    setLoading(false);
    setVersion((value) => value + 1);
    void pump();
  };

  onCleanup(() => {
    generation += 1;
    controller.abort();
  });

  return {
    count(expectedTotal) {
      version();
      return cursor === null ? rows.length : Math.max(expectedTotal, rows.length);
    },
    row(index) {
      version();
      return rows[index];
    },
    ensureLoaded(index) {
      target = Math.max(target, index);
      void pump();
    },
    reset,
    retry() {
      setError(null);
      void pump();
    },
    loading,
    error,
  };
}
