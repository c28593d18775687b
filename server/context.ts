import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from './config/env.js';
import type { EmailJobData, IngestJobData } from './jobs/queues.js';
import type { NoticeServices } from './notices/notice-service.js';
import type { NotifyDependencies } from './notifications/notify.js';
import type { NotificationPublisher } from './realtime/notification-publisher.js';
import type { RealtimePublisher } from './realtime/publisher.js';
import type { UserRooms } from './realtime/user-rooms.js';
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
  /** Notice storage, scheduling and live delivery. */
  notices: NoticeServices;
  /** Telling users about events: in-app notifications, live, and email. */
  notify: NotifyDependencies & { publisher: NotificationPublisher };
  userRooms: UserRooms;
}
