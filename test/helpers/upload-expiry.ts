import { randomUUID } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { createMaintenanceQueue, EXPIRE_UPLOADS_JOB, MAINTENANCE_QUEUE } from '../../server/jobs/maintenance-queue.js';
import { createRedis, redisKeys } from '../../server/redis/connections.js';
import type { UploadExpiryResult } from '../../server/uploads/upload-expiry.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Runs the expiry sweep of abandoned uploads now, as one job on the stack's maintenance queue
 * that a worker process of the stack takes, and returns what it did.
 */
export async function runUploadExpirySweep(redisPrefix: string): Promise<UploadExpiryResult> {
  const prefix = redisKeys(redisPrefix).bullmq;
  const connection = createRedis({ REDIS_URL }, 'commands');
  const eventsConnection = createRedis({ REDIS_URL }, 'blocking');
  const queue = createMaintenanceQueue(connection, prefix);
  const events = new QueueEvents(MAINTENANCE_QUEUE, { connection: eventsConnection, prefix });
  try {
    await events.waitUntilReady();
    const job = await queue.add(EXPIRE_UPLOADS_JOB, {}, { jobId: `sweep-now-${randomUUID()}` });
    return (await job.waitUntilFinished(events, 30_000)) as UploadExpiryResult;
  } finally {
    await events.close();
    await queue.close();
    await Promise.allSettled([connection.quit(), eventsConnection.quit()]);
  }
}

/**
 * Waits until the sweep that a worker's job scheduler runs at start has finished, so it cannot
 * race a test's own sweep. The next scheduled run is a sweep interval (an hour by default) later.
 */
export async function waitForScheduledSweep(redisPrefix: string, timeoutMs = 30_000): Promise<void> {
  const connection = createRedis({ REDIS_URL }, 'commands');
  const queue = createMaintenanceQueue(connection, redisKeys(redisPrefix).bullmq);
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await queue.getCompletedCount()) === 0) {
      if (Date.now() > deadline) throw new Error(`No expiry sweep finished within ${timeoutMs} ms of the worker's start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await queue.close();
    await connection.quit();
  }
}

/** Sets the modification time of a resumable upload's data and metadata files `hours` into the past. */
export async function backdateUpload(uploadDir: string, uploadId: string, hours: number): Promise<void> {
  const then = new Date(Date.now() - hours * 3_600_000);
  const file = path.join(uploadDir, 'imports', uploadId);
  await utimes(file, then, then);
  await utimes(`${file}.json`, then, then);
}
