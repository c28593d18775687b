import { Queue, type ConnectionOptions } from 'bullmq';

/** Names of the BullMQ queues; each is consumed by the worker process. */
export const QUEUES = {
  ingest: 'ingest',
} as const;

/** Payload of an ingest job; everything else is read from the import's row. */
export interface IngestJobData {
  importId: string;
}

/** Creates the producer side of the ingest queue. The job id is the import id, so one import is queued at most once. */
export function createIngestQueue(connection: ConnectionOptions, prefix: string): Queue<IngestJobData> {
  return new Queue<IngestJobData>(QUEUES.ingest, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
}

/** Queues the ingest of an import; queueing an import that is already queued does nothing. */
export async function enqueueIngest(queue: Queue<IngestJobData>, importId: string): Promise<void> {
  await queue.add('ingest', { importId }, { jobId: importId });
}
