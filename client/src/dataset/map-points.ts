import { createSignal, onCleanup } from 'solid-js';
import { isAbort } from '../api/http.js';
import { MAX_PAGE_SIZE } from '../api/page.js';
import { fetchSampleFeaturePage, WORLD_BBOX, type SampleFeaturePage } from '../api/samples.js';

/**
 * The maximum number of points the map draws; above it the map shows the first points in row
 * order and its summary states that. NOTE: an estimate of what Leaflet's canvas renderer pans
 * smoothly, not a measured limit.
 */
export const MAP_POINT_LIMIT = 20_000;

export interface MapPoints {
  /** Points drawn so far. */
  drawn: () => number;
  loading: () => boolean;
  error: () => unknown;
  /** Clears the drawn points and fetches the located samples again from the first page. */
  load(): void;
}

/**
 * Streams a dataset's located samples as GeoJSON pages. The `bbox` of the whole world keeps
 * unlocated samples out, so a dataset without coordinates costs one small request.
 */
export function createMapPoints(
  datasetId: () => string,
  handlers: { onReset(): void; onPage(page: SampleFeaturePage): void },
): MapPoints {
  const [drawn, setDrawn] = createSignal(0);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  let generation = 0;
  let controller = new AbortController();

  const load = async () => {
    generation += 1;
    const started = generation;
    controller.abort();
    controller = new AbortController();
    handlers.onReset();
    setDrawn(0);
    setError(null);
    setLoading(true);

    let cursor: string | null = null;
    let count = 0;
    try {
      do {
        const limit = Math.min(MAX_PAGE_SIZE, MAP_POINT_LIMIT - count);
        const page: SampleFeaturePage = await fetchSampleFeaturePage(datasetId(), { limit, cursor, bbox: WORLD_BBOX, signal: controller.signal });
        if (started !== generation) return;
        handlers.onPage(page);
        count += page.features.length;
        setDrawn(count);
        cursor = page.nextCursor;
      } while (cursor !== null && count < MAP_POINT_LIMIT);
    } catch (caught) {
      if (started === generation && !isAbort(caught)) setError(caught);
    } finally {
      if (started === generation) setLoading(false);
    }
  };

  onCleanup(() => {
    generation += 1;
    controller.abort();
  });

  return { drawn, loading, error, load: () => void load() };
}
