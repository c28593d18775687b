/** Runs the tasks given to it one at a time, each after the previous one settled. */
export type SerialQueue = (task: () => Promise<void>) => Promise<void>;

/** Creates a queue that starts each task once the task before it has finished or failed. */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<void> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
