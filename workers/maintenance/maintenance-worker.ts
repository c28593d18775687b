import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { EXPIRE_UPLOADS_JOB, MAINTENANCE_QUEUE, type MaintenanceJobData } from '../../server/jobs/maintenance-queue.js';
import { moduleLogger } from '../../server/observability/logger.js';
import { captureError } from '../../server/observability/sentry.js';
import { expireStaleUploads, type UploadExpiryDependencies, type UploadExpiryResult } from '../../server/uploads/upload-expiry.js';

const log = moduleLogger('maintenance-worker');

/** The result of a maintenance job. */
export type MaintenanceOutcome = UploadExpiryResult;

/**
 * Consumes the maintenance queue one job at a time. Its only job so far is the expiry sweep of
 * abandoned resumable uploads.
 */
export function startMaintenanceWorker(connection: Redis, prefix: string, deps: UploadExpiryDependencies): Worker<MaintenanceJobData, MaintenanceOutcome> {
  const worker = new Worker<MaintenanceJobData, MaintenanceOutcome>(MAINTENANCE_QUEUE, (job: Job<MaintenanceJobData>) => runMaintenanceJob(deps, job), {
    connection,
    prefix,
    concurrency: 1,
  });
  worker.on('failed', (job, error) => {
    log.error({ err: error, jobId: job?.id, name: job?.name }, 'maintenance job failed');
    captureError(error, { jobId: job?.id ?? null, name: job?.name ?? null });
  });
  worker.on('error', (error) => log.error({ err: error }, 'maintenance worker error'));
  return worker;
}

async function runMaintenanceJob(deps: UploadExpiryDependencies, job: Job<MaintenanceJobData>): Promise<MaintenanceOutcome> {
  if (job.name !== EXPIRE_UPLOADS_JOB) throw new Error(`Unknown maintenance job "${job.name}"`);
  return expireStaleUploads(deps);
}
