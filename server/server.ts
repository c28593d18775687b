import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rooms } from '../common/events.js';
import type { Config } from './config/env.js';
import type { AppContext } from './context.js';
import { createOrcidSignIn } from './auth/orcid.js';
import { createSessionMiddleware, createSessionStore, sessionMaxAgeMs } from './auth/session.js';
import { SessionRegistry } from './auth/session-registry.js';
import { RateLimits } from './http/rate-limit.js';
import { createSocketAccessControl } from './realtime/access-control.js';
import { createKnex } from './db/knex.js';
import { forgetReadOnlyNotices } from './maintenance/read-only.js';
import { migrationConfig } from './db/migrate.js';
import { ensureAdmin } from './domain/users.js';
import { createApp } from './http/app.js';
import { createNoticeQueue } from './jobs/notice-queue.js';
import { createEmailQueue, createIngestQueue } from './jobs/queues.js';
import { moduleLogger } from './observability/logger.js';
import { createNoticePublisher } from './realtime/notice-publisher.js';
import { createNotificationPublisher } from './realtime/notification-publisher.js';
import { createPublisher } from './realtime/publisher.js';
import { createSocketServer, type FairportServer } from './realtime/socket-server.js';
import { createUserRooms } from './realtime/user-rooms.js';
import { createRedis, redisKeys } from './redis/connections.js';
import { UploadStore } from './storage/upload-store.js';

const log = moduleLogger('server');

export interface RunningServer {
  url: string;
  port: number;
  io: FairportServer;
  context: AppContext;
  close(): Promise<void>;
}

/**
 * Starts one server node: HTTP API, web client and Socket.IO on one port. Refuses to start
 * when the database has migrations that have not been applied.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  const knex = createKnex(config);
  await assertMigrated(knex);

  const redis = createRedis(config, 'commands');
  const adapterPub = createRedis(config, 'commands');
  const adapterSub = createRedis(config, 'subscriber');
  const queueConnection = createRedis(config, 'commands');
  const ingestQueue = createIngestQueue(queueConnection, redisKeys(config.REDIS_PREFIX).bullmq);
  const emailQueue = createEmailQueue(queueConnection, redisKeys(config.REDIS_PREFIX).bullmq);
  const noticeQueue = createNoticeQueue(queueConnection, redisKeys(config.REDIS_PREFIX).bullmq);

  // Node's default 5-minute request timeout would cut off a large upload on a slow link; an hour
  // covers 2 GiB at about 5 Mbit/s. Header timeouts keep their defaults against slow-loris clients.
  // Socket.IO takes over the `request` listeners present when it attaches and passes them only
  // requests outside /socket.io/, so the Express handler must be registered first (bound late,
  // because the app needs the publisher made from the Socket.IO server).
  let handleRequest: http.RequestListener | undefined;
  const httpServer = http.createServer({ requestTimeout: 60 * 60 * 1000 }, (req, res) => handleRequest?.(req, res));
  const sessionStore = createSessionStore(config, redis);
  const sessionMiddleware = createSessionMiddleware(config, redis, sessionStore);
  const rateLimits = new RateLimits(config, redis);
  const sockets = createSocketServer(httpServer, config, sessionMiddleware, { pub: adapterPub, sub: adapterSub, commands: redis }, rateLimits);
  const io = sockets.io;
  const context: AppContext = {
    config,
    knex,
    redis,
    ingestQueue,
    emailQueue,
    uploads: new UploadStore(config.UPLOAD_DIR),
    publisher: createPublisher(io),
    sessions: new SessionRegistry(redis, sessionStore, redisKeys(config.REDIS_PREFIX).userSessions, sessionMaxAgeMs(config)),
    rateLimits,
    socketAccess: createSocketAccessControl(io),
    orcid: createOrcidSignIn(config),
    notices: {
      knex,
      queue: noticeQueue,
      publisher: createNoticePublisher(io),
      onReadOnlyChange: () => {
        forgetReadOnlyNotices();
        io.serverSideEmit('maintenance:changed');
      },
    },
    notify: { knex, publisher: createNotificationPublisher(io), emailQueue, publicUrl: config.PUBLIC_URL },
    userRooms: createUserRooms(io, rooms.user),
  };
  io.on('maintenance:changed', forgetReadOnlyNotices);
  handleRequest = createApp(context, sessionMiddleware);

  await ensureAdmin(config);
  await listen(httpServer, config.PORT, config.HOST);
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  log.info({ url, publicUrl: config.PUBLIC_URL }, 'server listening');

  return {
    url,
    port,
    io,
    context,
    async close() {
      log.info('server stopping');
      // No Redis command of Socket.IO or of presence may follow the quit below.
      await sockets.close();
      await Promise.all([ingestQueue.close(), emailQueue.close(), noticeQueue.close()]);
      await Promise.allSettled([redis.quit(), adapterPub.quit(), adapterSub.quit(), queueConnection.quit()]);
      await knex.destroy();
      log.info('server stopped');
    },
  };
}

async function assertMigrated(knex: ReturnType<typeof createKnex>): Promise<void> {
  const pending = (await knex.migrate.list(migrationConfig))[1] as unknown[];
  if (pending.length > 0) {
    await knex.destroy();
    throw new Error(`The database has ${pending.length} pending migration(s); run \`npm run migrate\` first.`);
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
