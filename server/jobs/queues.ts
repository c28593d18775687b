import { Queue, type ConnectionOptions } from 'bullmq';
import type { MailMessage } from '../mail/mail-message.js';

/** Names of the BullMQ queues; each is consumed by the worker process. */
export const QUEUES = {
  ingest: 'ingest',
  email: 'email',
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

/** Payload of an email job: the whole message, so a retry sends exactly what was queued. */
export type EmailJobData = MailMessage;

/**
 * Creates the producer side of the email queue. SMTP servers refuse mail for a while when they
 * are busy or greylisting, so a message is retried 8 times with exponential backoff starting at
 * 30 s, which spans about two hours.
 */
export function createEmailQueue(connection: ConnectionOptions, prefix: string): Queue<EmailJobData> {
  return new Queue<EmailJobData>(QUEUES.email, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 30_000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
}

/** Queues an email for delivery by a worker. */
export async function enqueueEmail(queue: Queue<EmailJobData>, message: MailMessage): Promise<void> {
  await queue.add(message.kind, message);
}
