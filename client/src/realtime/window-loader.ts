import type { LiveTable } from '../../../common/editing/live-table.js';
import type { PositionRange } from '../../../common/editing/row-positions.js';
import { isAbort } from '../api/http.js';
import { MAX_PAGE_SIZE } from '../api/page.js';
import { fetchSampleWindow, fetchSampleWindowAround } from '../api/samples.js';

/** Rows read beyond each end of the rows in view, so short scrolls find them loaded. */
const MARGIN_ROWS = 100;
/** The minimum number of rows one request reads, so scrolling row by row does not send a request per row. */
const MIN_WINDOW_ROWS = 200;
/** Rows read around a sample that is not loaded, such as one picked on the map. */
const AROUND_ROWS = 200;
/** Reads of a window that came back older than the changes the table remembers, before giving up until the next scroll. */
const MAX_OUTDATED_READS = 3;
/** Delay before checking again for rows whose window waits in the table for earlier changes. */
const WAITING_RETRY_MS = 100;

export interface WindowLoader {
  /** Reads the rows missing around the rows in view, the positions `first` to `last`. */
  show(first: number, last: number): void;
  /**
   * Reads the rows around a sample wherever it is and gives them to the table, reading again
   * while its window comes back outdated or waits for earlier changes. Resolves with whether the
   * table then shows the sample: false when it no longer exists or the loader was reset meanwhile.
   * Rejects when a request fails.
   */
  readAround(sampleId: string): Promise<boolean>;
  /**
   * Reads every row not held between the positions `first` and `last`, at most `MAX_PAGE_SIZE`
   * rows per request. Resolves with true once all of them are held, and with false when the
   * loader was reset meanwhile or reads kept coming back outdated or waiting for earlier changes.
   * Rejects when a request fails.
   */
  readRange(first: number, last: number): Promise<boolean>;
  /** Forgets requests under way, e.g. when the table is replaced. */
  reset(): void;
}

/**
 * Reads a dataset's rows by position for the rows in view, one request at a time. After each
 * response it reads what is in view then, so a scrollbar dragged to the end reads the rows at
 * the end and not every page on the way. A window read at a seq the table has not reached waits
 * in the table until the changes before it arrive.
 */
export function createWindowLoader(options: {
  datasetId: string;
  table: () => LiveTable;
  /** False while the table is being made; nothing is read until it is true. */
  ready: () => boolean;
  onLoading: (loading: boolean) => void;
  onError: (error: unknown) => void;
}): WindowLoader {
  let view: PositionRange = { first: 0, last: 0 };
  let busy = false;
  /** Reads under way in `pump` and `readRange`. The table shows it is loading while any runs. */
  let activeReads = 0;
  let generation = 0;
  let controller = new AbortController();
  /** The seq of a window the table waits to reach; nothing more is read until it does. */
  let awaitedSeq = 0;

  const nextRange = (table: LiveTable): PositionRange | undefined => {
    const missing = table.missing(Math.max(0, view.first - MARGIN_ROWS), view.last + MARGIN_ROWS);
    // The range nearest the rows in view first: the one that overlaps them, else the closest.
    const distance = (range: PositionRange) => Math.max(0, range.first - view.last, view.first - range.last);
    const range = missing.sort((a, b) => distance(a) - distance(b))[0];
    if (!range) return undefined;
    if (range.last < view.first) {
      // Above the rows in view, as when scrolling up: read upwards from its end.
      const first = Math.max(0, Math.min(range.first, range.last - MIN_WINDOW_ROWS + 1), range.last - MAX_PAGE_SIZE + 1);
      return { first, last: range.last };
    }
    const last = Math.min(Math.max(range.last, range.first + MIN_WINDOW_ROWS - 1), range.first + MAX_PAGE_SIZE - 1);
    return { first: range.first, last };
  };

  const startReading = () => {
    activeReads += 1;
    if (activeReads === 1) options.onLoading(true);
  };
  const stopReading = () => {
    activeReads -= 1;
    if (activeReads === 0) options.onLoading(false);
  };

  const pump = async () => {
    if (busy || !options.ready()) return;
    busy = true;
    startReading();
    const started = generation;
    let outdatedReads = 0;
    try {
      for (;;) {
        const table = options.table();
        if (table.seq < awaitedSeq) break;
        const range = nextRange(table);
        if (!range || outdatedReads >= MAX_OUTDATED_READS) break;
        const window = await fetchSampleWindow(options.datasetId, range.first, range.last - range.first + 1, controller.signal);
        if (started !== generation) return;
        const result = options.table().loadWindow(window);
        if (result === 'waiting') awaitedSeq = window.seq;
        if (result === 'outdated') outdatedReads += 1;
      }
    } catch (caught) {
      if (started === generation && !isAbort(caught)) options.onError(caught);
    } finally {
      if (started === generation) {
        busy = false;
        stopReading();
      }
    }
  };

  const readRange = async (first: number, last: number): Promise<boolean> => {
    if (!options.ready()) return false;
    const started = generation;
    let stalledReads = 0;
    startReading();
    try {
      for (;;) {
        const range = options.table().missing(first, last)[0];
        if (!range) return true;
        if (stalledReads >= MAX_OUTDATED_READS) return false;

        const limit = Math.min(range.last - range.first + 1, MAX_PAGE_SIZE);
        const window = await fetchSampleWindow(options.datasetId, range.first, limit, controller.signal);
        if (started !== generation || !options.ready()) return false;

        const result = options.table().loadWindow(window);
        // An applied window that placed no missing row, e.g. one emptied by deletes, also counts as stalled.
        const progressed = result === 'applied' && options.table().missing(first, last)[0]?.first !== range.first;
        if (progressed) continue;
        stalledReads += 1;
        // A window read at a newer seq is placed once the changes before it arrive.
        if (result === 'waiting') await delay(WAITING_RETRY_MS);
      }
    } finally {
      if (started === generation) stopReading();
    }
  };

  return {
    show(first, last) {
      view = { first, last };
      void pump();
    },
    async readAround(sampleId) {
      const started = generation;
      for (let read = 0; read < MAX_OUTDATED_READS; read += 1) {
        if (options.table().shownIndexOf(sampleId) >= 0) return true;
        const window = await fetchSampleWindowAround(options.datasetId, sampleId, AROUND_ROWS, controller.signal);
        if (started !== generation || !options.ready()) return false;

        const result = options.table().loadWindow(window);
        // A window read at a newer seq is placed once the changes before it arrive.
        if (result !== 'applied') await delay(WAITING_RETRY_MS);
      }
      return options.table().shownIndexOf(sampleId) >= 0;
    },
    readRange,
    reset() {
      generation += 1;
      controller.abort();
      controller = new AbortController();
      busy = false;
      awaitedSeq = 0;
      activeReads = 0;
      options.onLoading(false);
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
