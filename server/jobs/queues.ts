import { Queue, type ConnectionOptions } from 'bullmq';
import type { MailMessage } from '../mail/mail-message.js';

/** Names of the BullMQ queues; each is consumed by the worker process. */
export const QUEUES = {
  ingest: 'ingest',
  email: 'email',
} as const;

/** The two jobs of an import: analyse the uploaded file, then, after review, load it. */
export type IngestStep = 'analyse' | 'load';

/** Payload of an ingest job; everything else is read from the import's row. */
export interface IngestJobData {
  importId: string;
  /** Absent in jobs queued before the review step existed, which were loads. */
  step?: IngestStep;
}

/**
 * Creates the producer side of the ingest queue. Job ids are made from the import id, so BullMQ
 * ignores a second add of the same step while the first job is still kept (up to 1,000 or 7 days).
 */
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

/**
 * Queues the analysis of an import. `revision` counts the analyses of the import (a changed mapping
 * is analysed again), so each gets a job of its own; queueing the same revision again does nothing.
 */
export async function enqueueAnalysis(queue: Queue<IngestJobData>, importId: string, revision: number): Promise<void> {
  await queue.add('analyse', { importId, step: 'analyse' }, { jobId: `${importId}.analyse.${revision}` });
}

/** Queues the load of a reviewed import; queueing it again does nothing. */
export async function enqueueLoad(queue: Queue<IngestJobData>, importId: string): Promise<void> {
  await queue.add('load', { importId, step: 'load' }, { jobId: `${importId}.load` });
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
