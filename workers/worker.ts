import { Emitter } from '@socket.io/redis-emitter';
import { Worker, type Job } from 'bullmq';
import type { ServerToClientEvents } from '../common/events.js';
import type { Config } from '../server/config/env.js';
import { createKnex } from '../server/db/knex.js';
import { QUEUES, type IngestJobData } from '../server/jobs/queues.js';
import { moduleLogger } from '../server/observability/logger.js';
import { captureError } from '../server/observability/sentry.js';
import { createPublisher } from '../server/realtime/publisher.js';
import { createRedis, redisKeys } from '../server/redis/connections.js';
import { UploadStore } from '../server/storage/upload-store.js';
import { processImport, type IngestOutcome } from './ingest/process-import.js';

const log = moduleLogger('worker');

/** A running worker; `close` lets the current jobs finish, then releases every connection. */
export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * Starts consuming the ingest queue with WORKER_CONCURRENCY jobs at a time. Progress and dataset
 * changes reach browsers through the Socket.IO Redis adapter's channels (a Redis emitter), so the
 * worker needs no Socket.IO server of its own.
 */
export async function startWorker(config: Config): Promise<RunningWorker> {
  const keys = redisKeys(config.REDIS_PREFIX);
  const knex = createKnex(config);
  const blocking = createRedis(config, 'blocking');
  const emitterRedis = createRedis(config, 'commands');
  const publisher = createPublisher(new Emitter<ServerToClientEvents>(emitterRedis, { key: keys.socketIo }));
  const deps = { knex, uploads: new UploadStore(config.UPLOAD_DIR), publisher, issuesMax: config.IMPORT_ISSUES_MAX };

  const worker = new Worker<IngestJobData, IngestOutcome>(
    QUEUES.ingest,
    (job: Job<IngestJobData>) => {
      const attempts = job.opts.attempts ?? 1;
      return processImport(deps, job.data.importId, { isFinal: job.attemptsMade + 1 >= attempts });
    },
    { connection: blocking, prefix: keys.bullmq, concurrency: config.WORKER_CONCURRENCY },
  );
  worker.on('failed', (job, error) => {
    const importId = job?.data.importId ?? null;
    log.error({ err: error, importId, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'ingest job failed');
    captureError(error, { importId, jobId: job?.id ?? null });
  });
  worker.on('error', (error) => log.error({ err: error }, 'ingest worker error'));
  await worker.waitUntilReady();
  log.info({ queue: QUEUES.ingest, concurrency: config.WORKER_CONCURRENCY, prefix: keys.bullmq }, 'worker started');

  return {
    async close() {
      log.info('worker stopping');
      await worker.close();
      await knex.destroy();
      await Promise.allSettled([blocking.quit(), emitterRedis.quit()]);
      log.info('worker stopped');
    },
  };
}
