import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import type { Config } from '../config/env.js';
import { resolveActor } from '../auth/request-actor.js';
import { moduleLogger } from '../observability/logger.js';
import { redisKeys } from '../redis/connections.js';
import { registerDatasetRoomHandlers } from './dataset-rooms.js';
import { createEditRateLimiter } from './edit-rate-limiter.js';
import { registerEditHandlers } from './edit-handlers.js';
import { PresenceService } from './presence.js';
import { PresenceStore } from './presence-store.js';
import { createPublisher } from './publisher.js';

const log = moduleLogger('realtime');

export type FairportServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

type RequestWithSession = IncomingMessage & { session?: { userId?: string } };

/**
 * Starts Socket.IO on the HTTP server with the Redis adapter, so a broadcast from any node (or a
 * worker's emitter) reaches sockets on every node. The handshake runs the HTTP session
 * middleware, so a socket is authenticated by the same cookie as the REST API.
 */
export function createSocketServer(
  httpServer: HttpServer,
  config: Config,
  sessionMiddleware: RequestHandler,
  redis: { pub: Redis; sub: Redis; commands: Redis },
): FairportServer {
  const io: FairportServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
    adapter: createAdapter(redis.pub, redis.sub, { key: redisKeys(config.REDIS_PREFIX).socketIo }),
  });

  io.engine.use(sessionMiddleware);
  io.use(async (socket, next) => {
    try {
      const actor = await resolveActor((socket.request as RequestWithSession).session?.userId);
      socket.data.userId = actor.type === 'user' ? actor.id : null;
      socket.data.displayName = actor.type === 'user' ? actor.displayName : null;
      next();
    } catch (error) {
      log.error({ err: error }, 'socket handshake failed');
      next(new Error('The server could not check your session; try again.'));
    }
  });

  const keys = redisKeys(config.REDIS_PREFIX);
  const presence = new PresenceService(io, new PresenceStore(redis.commands, keys.presence, config.PRESENCE_TTL_MS), {
    heartbeatMs: Math.max(250, Math.floor(config.PRESENCE_TTL_MS / 3)),
    throttleMs: 100,
  });
  presence.start();
  httpServer.on('close', () => presence.stop());
  const editing = {
    publisher: createPublisher(io),
    limiter: createEditRateLimiter(redis.commands, keys.editRateLimit, config.EDIT_RATE_PER_SECOND),
  };

  io.on('connection', (socket) => {
    if (socket.data.userId) void socket.join(rooms.user(socket.data.userId));
    registerDatasetRoomHandlers(socket, presence);
    registerEditHandlers(socket, editing);
    socket.on('presence:update', (update) => presence.update(socket, update));
    socket.on('disconnecting', () => presence.disconnecting(socket));
  });
  return io;
}
