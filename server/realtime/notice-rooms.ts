import type { Socket } from 'socket.io';
import { Model } from 'objection';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import { ANONYMOUS, isSignedIn } from '../auth/actor.js';
import { noticeProjectIdsOf } from '../auth/policy.js';
import { resolveActor } from '../auth/request-actor.js';
import { noticeSnapshotFor } from '../notices/notice-service.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('realtime');

type FairportSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * Joins a new socket to the rooms notices are sent to (everyone, the user's portal role, the
 * user's projects), then sends the notices active now. Joining first means a notice that starts
 * meanwhile arrives by broadcast, by snapshot or both, and never by neither.
 */
export async function joinNoticeRooms(socket: FairportSocket): Promise<void> {
  try {
    const actor = socket.data.userId ? await resolveActor(socket.data.userId) : ANONYMOUS;
    // NOTE: a portal role changed later applies from the socket's next connection; memberships move live (see UserRooms).
    const joined: string[] = [rooms.everyone];
    if (isSignedIn(actor)) {
      joined.push(rooms.role(actor.role), ...(await noticeProjectIdsOf(actor)).map((projectId) => rooms.project(projectId)));
    }
    await socket.join(joined);
    if (socket.disconnected) return;
    socket.emit('notice:active', await noticeSnapshotFor(Model.knex(), actor));
  } catch (error) {
    log.error({ err: error, socketId: socket.id, userId: socket.data.userId }, 'sending the active notices failed');
  }
}
