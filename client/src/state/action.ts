import { createSignal, type Accessor } from 'solid-js';

/** A user action's last failure, and the runner that records it. */
export interface Action {
  /** The error of the last run, or null after a run that succeeded or while one is running. */
  error: Accessor<unknown>;
  /** Runs a task, clearing the last error first and keeping the new one if the task throws. */
  run(task: () => Promise<unknown>): Promise<void>;
}

/** Creates the state of a button or form that calls the API and shows what went wrong. */
export function createAction(): Action {
  const [error, setError] = createSignal<unknown>(null);
  return {
    error,
    run: async (task) => {
      setError(null);
      try {
        await task();
      } catch (caught) {
        setError(caught);
      }
    },
  };
}
