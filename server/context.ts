import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from './config/env.js';
import type { EmailJobData, IngestJobData } from './jobs/queues.js';
import type { RealtimePublisher } from './realtime/publisher.js';
import type { UploadStore } from './storage/upload-store.js';

/** The long-lived services a server process hands to its routes and socket handlers. */
export interface AppContext {
  config: Config;
  knex: Knex;
  redis: Redis;
  ingestQueue: Queue<IngestJobData>;
  emailQueue: Queue<EmailJobData>;
  uploads: UploadStore;
  publisher: RealtimePublisher;
}
