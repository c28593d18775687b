import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import type { Config } from '../config/env.js';
import { isSameOrigin } from '../auth/csrf.js';
import { actorOfAuthorization, resolveActor } from '../auth/request-actor.js';
import { sessionHandle } from '../auth/session-registry.js';
import type { RateLimits } from '../http/rate-limit.js';
import { HttpError } from '../http/http-error.js';
import { moduleLogger } from '../observability/logger.js';
import { redisKeys } from '../redis/connections.js';
import { registerDatasetRoomHandlers } from './dataset-rooms.js';
import { authorizeEvent } from './event-guard.js';
import type { FairportSocket } from './socket-actor.js';
import { guardSocketWrites } from '../maintenance/read-only.js';
import { joinNoticeRooms } from './notice-rooms.js';
import { createEditRateLimiter } from './edit-rate-limiter.js';
import { registerEditHandlers } from './edit-handlers.js';
import { PresenceService } from './presence.js';
import { PresenceStore } from './presence-store.js';
import { createPublisher } from './publisher.js';

const log = moduleLogger('realtime');

export type FairportServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

type RequestWithSession = IncomingMessage & { session?: { userId?: string }; sessionID?: string };

/**
 * Starts Socket.IO on the HTTP server with the Redis adapter, so a broadcast from any node (or a
 * worker's emitter) reaches sockets on every node. The handshake is authenticated like an HTTP
 * request: a personal API token (`auth.token` or `Authorization: Bearer`), else the session
 * cookie, whose middleware runs on the handshake. Handshakes from other origins are refused, so
 * a page elsewhere cannot open a socket with the visitor's cookie.
 */
export function createSocketServer(
  httpServer: HttpServer,
  config: Config,
  sessionMiddleware: RequestHandler,
  redis: { pub: Redis; sub: Redis; commands: Redis },
  limits?: RateLimits,
): { io: FairportServer; close(): Promise<void> } {
  const publicOrigin = new URL(config.PUBLIC_URL).origin;
  const io: FairportServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
    adapter: createAdapter(redis.pub, redis.sub, { key: redisKeys(config.REDIS_PREFIX).socketIo }),
    allowRequest: (req, callback) => callback(null, isSameOrigin(req, publicOrigin)),
  });

  io.engine.use(sessionMiddleware);
  io.use(async (socket, next) => {
    try {
      await authenticate(socket);
      next();
    } catch (error) {
      if (error instanceof HttpError) {
        next(Object.assign(new Error(error.message), { data: { code: error.code } }));
        return;
      }
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
    joinIdentityRooms(socket);
    // Maintenance refuses write events first; the permission guard then checks what remains.
    guardSocketWrites(socket);
    socket.use((packet, next) => void authorizeEvent(socket, packet, next, limits));
    registerDatasetRoomHandlers(socket, presence);
    registerEditHandlers(socket, editing);
    socket.on('presence:update', (update) => presence.update(socket, update));
    socket.on('disconnecting', () => presence.disconnecting(socket));
    void joinNoticeRooms(socket);
  });
  return {
    io,
    // Closing Socket.IO closes the HTTP server and waits until the adapter has unsubscribed; the
    // presence removals of the sockets it closed finish after that. Then Redis may be closed.
    async close() {
      await io.close();
      await presence.settle();
    },
  };
}

/** Sets the socket's user and credential from a token or the session of the handshake. */
async function authenticate(socket: FairportSocket): Promise<void> {
  const authorization = authorizationOfHandshake(socket);
  if (authorization !== undefined) {
    const actor = await actorOfAuthorization(authorization);
    if (actor.type !== 'user' || actor.credential?.kind !== 'token') return;
    Object.assign(socket.data, {
      userId: actor.id,
      displayName: actor.displayName,
      sessionHandle: null,
      tokenId: actor.credential.tokenId,
      tokenScope: actor.credential.scope,
    });
    return;
  }

  const request = socket.request as RequestWithSession;
  const actor = await resolveActor(request.session?.userId);
  const signedIn = actor.type === 'user';
  Object.assign(socket.data, {
    userId: signedIn ? actor.id : null,
    displayName: signedIn ? actor.displayName : null,
    sessionHandle: signedIn && request.sessionID ? sessionHandle(request.sessionID) : null,
    tokenId: null,
    tokenScope: null,
  });
}

/** The token of a handshake as an Authorization header value: from `auth.token` or the header itself. */
function authorizationOfHandshake(socket: FairportSocket): string | undefined {
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token === 'string') return `Bearer ${token}`;
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' ? header : undefined;
}

/** Rooms named after who the socket is, so the server can reach or close its sockets on every node. */
function joinIdentityRooms(socket: FairportSocket): void {
  const data = socket.data;
  const identityRooms: string[] = [];
  if (data.userId) identityRooms.push(rooms.user(data.userId));
  if (data.sessionHandle) identityRooms.push(rooms.session(data.sessionHandle));
  if (data.tokenId) identityRooms.push(rooms.token(data.tokenId));
  if (identityRooms.length > 0) void socket.join(identityRooms);
}
