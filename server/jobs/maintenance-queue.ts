import { Queue, type ConnectionOptions } from 'bullmq';

/** Name of the queue of periodic housekeeping jobs, consumed by the worker process. */
export const MAINTENANCE_QUEUE = 'maintenance';

/** Name, and job scheduler id, of the sweep that removes abandoned resumable uploads. */
export const EXPIRE_UPLOADS_JOB = 'expire-uploads';

/** Payload of a maintenance job: none, because each job reads what it needs when it runs. */
export type MaintenanceJobData = Record<string, never>;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Creates the producer side of the maintenance queue; a failed sweep waits for the next one. */
export function createMaintenanceQueue(connection: ConnectionOptions, prefix: string): Queue<MaintenanceJobData> {
  return new Queue<MaintenanceJobData>(MAINTENANCE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } },
  });
}

/**
 * Returns how often the expiry sweep runs: every hour, or every quarter of UPLOAD_EXPIRY_HOURS
 * when that is shorter, but at most once a minute. While a worker runs, an expired upload is
 * removed within that time.
 */
export function uploadExpiryIntervalMs(expiryHours: number): number {
  return Math.max(MINUTE_MS, Math.min(HOUR_MS, Math.round((expiryHours * HOUR_MS) / 4)));
}

/**
 * Schedules the expiry sweep as a BullMQ job scheduler. Every worker calls this at start. A
 * queue has one scheduler per id, so the replicas share it, and each run is one job that one
 * worker takes.
 */
export async function scheduleUploadExpiry(queue: Queue<MaintenanceJobData>, expiryHours: number): Promise<void> {
  await queue.upsertJobScheduler(EXPIRE_UPLOADS_JOB, { every: uploadExpiryIntervalMs(expiryHours) }, { name: EXPIRE_UPLOADS_JOB, data: {} });
}
