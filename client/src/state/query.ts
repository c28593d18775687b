import { createEffect, createSignal, on, onCleanup, untrack, type Accessor } from 'solid-js';

/** The state of one API read: the last value, the last error, and whether a request is running. */
export interface Query<T> {
  data: Accessor<T | undefined>;
  error: Accessor<unknown>;
  loading: Accessor<boolean>;
  /** Reads again with the current source; the shown value stays until the new one arrives. */
  refetch(): Promise<void>;
}

/**
 * Runs `fetcher` whenever `source` changes and keeps its result in signals. Unlike Solid's
 * createResource, reading a failed query never throws, so one failed request cannot take the
 * page down. A failed refetch keeps the last value; a failure after the source changed clears it,
 * because that value belonged to something else. A source of `undefined` or `false` means "wait".
 */
export function createQuery<S, T>(source: Accessor<S | undefined | false>, fetcher: (source: S) => Promise<T>): Query<T> {
  const [data, setData] = createSignal<T | undefined>(undefined);
  const [error, setError] = createSignal<unknown>(null);
  const [loading, setLoading] = createSignal(false);
  let generation = 0;
  let disposed = false;
  onCleanup(() => {
    disposed = true;
  });

  const run = async (current: S, isRefetch: boolean) => {
    generation += 1;
    const started = generation;
    setLoading(true);
    try {
      const value = await fetcher(current);
      if (disposed || started !== generation) return;
      setData(() => value);
      setError(null);
    } catch (caught) {
      if (disposed || started !== generation) return;
      if (!isRefetch) setData(undefined);
      setError(caught);
    } finally {
      if (!disposed && started === generation) setLoading(false);
    }
  };

  createEffect(
    on(source, (current) => {
      if (current === undefined || current === false) return;
      void run(current, false);
    }),
  );

  return {
    data,
    error,
    loading,
    refetch: async () => {
      const current = untrack(source);
      if (current === undefined || current === false) return;
      await run(current, true);
    },
  };
}
