import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from './config/env.js';
import type { EmailJobData, IngestJobData } from './jobs/queues.js';
import type { OrcidSignIn } from './auth/orcid.js';
import type { SessionRegistry } from './auth/session-registry.js';
import type { RateLimits } from './http/rate-limit.js';
import type { SocketAccessControl } from './realtime/access-control.js';
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
  /** Each user's sessions, for listing them and signing out everywhere. */
  sessions: SessionRegistry;
  rateLimits: RateLimits;
  /** Removes sockets from rooms when access ends, on every node. */
  socketAccess: SocketAccessControl;
  /** ORCID sign-in, or null when ORCID_CLIENT_ID is not set. */
  orcid: OrcidSignIn | null;
  /** Notice storage, scheduling and live delivery. */
  notices: NoticeServices;
  /** Telling users about events: in-app notifications, live, and email. */
  notify: NotifyDependencies & { publisher: NotificationPublisher };
  userRooms: UserRooms;
}
