import { Emitter } from '@socket.io/redis-emitter';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ServerToClientEvents } from '../common/events.js';
import type { Config } from '../server/config/env.js';
import { createKnex } from '../server/db/knex.js';
import { createMaintenanceQueue, MAINTENANCE_QUEUE, scheduleUploadExpiry } from '../server/jobs/maintenance-queue.js';
import { NOTICE_QUEUE, type NoticeJobData } from '../server/jobs/notice-queue.js';
import { createEmailQueue, createIngestQueue, QUEUES, type EmailJobData, type IngestJobData } from '../server/jobs/queues.js';
import { createMailTransport } from '../server/mail/transport.js';
import { moduleLogger } from '../server/observability/logger.js';
import { captureError } from '../server/observability/sentry.js';
import { createNoticePublisher } from '../server/realtime/notice-publisher.js';
import { createNotificationPublisher } from '../server/realtime/notification-publisher.js';
import { createPublisher } from '../server/realtime/publisher.js';
import { createRedis, redisKeys } from '../server/redis/connections.js';
import { UploadStore } from '../server/storage/upload-store.js';
import { RedisUploadLocker } from '../server/uploads/redis-upload-locker.js';
import { TusUploadDirectory, tusDirectoryOf } from '../server/uploads/tus-upload-directory.js';
import { sendEmail, type EmailOutcome } from './email/send-email.js';
import { startMaintenanceWorker } from './maintenance/maintenance-worker.js';
import { runNoticeTransition, type NoticeTransitionDependencies, type NoticeTransitionOutcome } from './notices/notice-transition.js';
import { markFailed } from './ingest/import-record.js';
import { runAnalysis, runLoad, type IngestOutcome } from './ingest/process-import.js';

const log = moduleLogger('worker');

/** A running worker; `close` lets the current jobs finish, then releases every connection. */
export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * Starts consuming the ingest queue with WORKER_CONCURRENCY jobs at a time, the email, notice and
 * maintenance queues, and schedules the expiry sweep of abandoned uploads. Progress and dataset
 * changes reach browsers through the Socket.IO Redis adapter's channels (a Redis emitter), so the
 * worker needs no Socket.IO server of its own.
 */
export async function startWorker(config: Config): Promise<RunningWorker> {
  const keys = redisKeys(config.REDIS_PREFIX);
  const knex = createKnex(config);
  const blocking = createRedis(config, 'blocking');
  const emitterRedis = createRedis(config, 'commands');
  const emitter = new Emitter<ServerToClientEvents>(emitterRedis, { key: keys.socketIo });
  const publisher = createPublisher(emitter);
  const queueRedis = createRedis(config, 'commands');
  const emailQueue = createEmailQueue(queueRedis, keys.bullmq);
  const notify = { knex, publisher: createNotificationPublisher(emitter), emailQueue, publicUrl: config.PUBLIC_URL };
  const deps = { knex, uploads: new UploadStore(config.UPLOAD_DIR), publisher, issuesMax: config.IMPORT_ISSUES_MAX, notify };

  const ingest = new Worker<IngestJobData, IngestOutcome>(
    QUEUES.ingest,
    (job: Job<IngestJobData>) => {
      const attempts = job.opts.attempts ?? 1;
      const attempt = { isFinal: job.attemptsMade + 1 >= attempts };
      return job.data.step === 'analyse' ? runAnalysis(deps, job.data.importId, attempt) : runLoad(deps, job.data.importId, attempt);
    },
    // The lock is renewed at half its duration while a job runs; a worker that dies stops renewing
    // it, and after it expires the stalled-job check of any worker puts the job back in the queue.
    { connection: blocking, prefix: keys.bullmq, concurrency: config.WORKER_CONCURRENCY, lockDuration: config.JOB_LOCK_MS, stalledInterval: config.JOB_LOCK_MS },
  );
  ingest.on('failed', (job, error) => {
    const importId = job?.data.importId ?? null;
    log.error({ err: error, importId, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'ingest job failed');
    captureError(error, { importId, jobId: job?.id ?? null });
    // A job that stalled too often fails without its handler running; the import must not stay "running".
    const final = job !== undefined && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message));
    if (importId && final) void failUnfinished(importId, error.message);
  });
  ingest.on('stalled', (jobId) => log.warn({ jobId }, 'ingest job stalled (its worker stopped); it is queued again'));
  const failUnfinished = async (importId: string, reason: string) => {
    try {
      await markFailed(knex, importId, { error: `The import failed: ${reason}. Upload the file again.`, issues: [], issueCount: 0, counts: {}, mapping: null });
    } catch (error) {
      log.error({ err: error, importId }, 'marking a failed import failed');
    }
  };
  ingest.on('error', (error) => log.error({ err: error }, 'ingest worker error'));

  const mailTransport = createMailTransport(config);
  const emailBlocking = createRedis(config, 'blocking');
  const email = new Worker<EmailJobData, EmailOutcome>(
    QUEUES.email,
    (job: Job<EmailJobData>) => sendEmail(mailTransport, config.MAIL_FROM, job.data),
    // Mail is I/O-bound and small, so several messages go out at once.
    { connection: emailBlocking, prefix: keys.bullmq, concurrency: 4 },
  );
  email.on('failed', (job, error) => {
    log.error({ err: error, jobId: job?.id, kind: job?.data.kind, attemptsMade: job?.attemptsMade }, 'email job failed');
    captureError(error, { jobId: job?.id ?? null, kind: job?.data.kind ?? null });
  });
  email.on('error', (error) => log.error({ err: error }, 'email worker error'));

  const noticeBlocking = createRedis(config, 'blocking');
  const notices = startNoticeWorker(noticeBlocking, keys.bullmq, { knex, publisher: createNoticePublisher(emitter) });

  const maintenanceBlocking = createRedis(config, 'blocking');
  // The expiry sweep queues the analysis of finished uploads whose server node stopped before it could.
  const ingestQueue = createIngestQueue(queueRedis, keys.bullmq);
  const maintenance = startMaintenanceWorker(maintenanceBlocking, keys.bullmq, {
    directory: new TusUploadDirectory(tusDirectoryOf(config.UPLOAD_DIR)),
    locker: new RedisUploadLocker(queueRedis, config.REDIS_PREFIX),
    publisher,
    ingestQueue,
    expiryHours: config.UPLOAD_EXPIRY_HOURS,
  });
  const maintenanceQueue = createMaintenanceQueue(queueRedis, keys.bullmq);
  await scheduleUploadExpiry(maintenanceQueue, config.UPLOAD_EXPIRY_HOURS);

  await Promise.all([ingest.waitUntilReady(), email.waitUntilReady(), notices.waitUntilReady(), maintenance.waitUntilReady()]);
  log.info({ queues: [QUEUES.ingest, QUEUES.email, NOTICE_QUEUE, MAINTENANCE_QUEUE], concurrency: config.WORKER_CONCURRENCY, prefix: keys.bullmq }, 'worker started');

  return {
    async close() {
      log.info('worker stopping');
      await Promise.all([ingest.close(), email.close(), notices.close(), maintenance.close()]);
      await Promise.all([emailQueue.close(), maintenanceQueue.close(), ingestQueue.close()]);
      mailTransport?.close();
      await knex.destroy();
      await Promise.allSettled([blocking.quit(), emailBlocking.quit(), noticeBlocking.quit(), maintenanceBlocking.quit(), emitterRedis.quit(), queueRedis.quit()]);
      log.info('worker stopped');
    },
  };
}

/**
 * Consumes the notice queue: the delayed jobs that show a notice when it starts and hide it when
 * it ends. Jobs may wait up to a minute for their time, so several run at once.
 */
function startNoticeWorker(connection: Redis, prefix: string, deps: NoticeTransitionDependencies): Worker<NoticeJobData, NoticeTransitionOutcome> {
  const worker = new Worker<NoticeJobData, NoticeTransitionOutcome>(
    NOTICE_QUEUE,
    (job: Job<NoticeJobData>) => runNoticeTransition(deps, job.data),
    { connection, prefix, concurrency: 8 },
  );
  worker.on('failed', (job, error) => {
    log.error({ err: error, jobId: job?.id, noticeId: job?.data.noticeId, attemptsMade: job?.attemptsMade }, 'notice job failed');
    captureError(error, { jobId: job?.id ?? null, noticeId: job?.data.noticeId ?? null });
  });
  worker.on('error', (error) => log.error({ err: error }, 'notice worker error'));
  return worker;
}
