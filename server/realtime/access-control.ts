import type { RemoteSocket } from 'socket.io';
import type { ServerToClientEvents, SocketData } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import { can } from '../auth/policy.js';
import { Dataset } from '../db/models/dataset.js';
import { moduleLogger } from '../observability/logger.js';
import { actorOfSocketData } from './socket-actor.js';
import type { FairportServer } from './socket-server.js';

const log = moduleLogger('realtime-access');

const DATASET_ROOM = /^dataset:([0-9a-f-]{36})$/;

/**
 * Removes sockets from rooms, and closes them, when the access that let them in ends. Every
 * operation goes through the Redis adapter, so it reaches sockets on every server node before
 * the call returns (`fetchSockets` queries every node and waits for their responses).
 */
export interface SocketAccessControl {
  /** Re-checks every socket in a dataset's room and removes those that may no longer read its data. */
  revalidateDataset(datasetId: string): Promise<number>;
  /** Re-checks every dataset room a user's sockets are in, e.g. after a membership or role change. */
  revalidateUser(userId: string): Promise<number>;
  /** Closes the sockets opened with these sessions. */
  disconnectSessions(sessionHandles: string[]): void;
  /** Closes the sockets opened with an API token. */
  disconnectToken(tokenId: string): void;
}

/** Builds the access control over a Socket.IO server. */
export function createSocketAccessControl(io: FairportServer): SocketAccessControl {
  return {
    async revalidateDataset(datasetId) {
      const dataset = await Dataset.query().findById(datasetId);
      const sockets = await io.in(rooms.dataset(datasetId)).fetchSockets();
      let removed = 0;
      for (const socket of sockets) {
        if (dataset && (await mayStay(socket.data, dataset))) continue;
        evict(io, socket, datasetId);
        removed += 1;
      }
      if (removed > 0) log.info({ datasetId, removed }, 'removed sockets from a dataset room');
      return removed;
    },

    async revalidateUser(userId) {
      const sockets = await io.in(rooms.user(userId)).fetchSockets();
      let removed = 0;
      for (const socket of sockets) {
        for (const room of socket.rooms) {
          const datasetId = DATASET_ROOM.exec(room)?.[1];
          if (!datasetId) continue;
          const dataset = await Dataset.query().findById(datasetId);
          if (dataset && (await mayStay(socket.data, dataset))) continue;
          evict(io, socket, datasetId);
          removed += 1;
        }
      }
      if (removed > 0) log.info({ userId, removed }, 'removed a user’s sockets from dataset rooms');
      return removed;
    },

    disconnectSessions(sessionHandles) {
      if (sessionHandles.length === 0) return;
      io.in(sessionHandles.map(rooms.session)).disconnectSockets(true);
    },

    disconnectToken(tokenId) {
      io.in(rooms.token(tokenId)).disconnectSockets(true);
    },
  };
}

async function mayStay(data: Partial<SocketData>, dataset: Dataset): Promise<boolean> {
  return can(await actorOfSocketData(data), 'dataset.read-data', { type: 'dataset', dataset });
}

/** Takes a socket, wherever it is connected, out of the dataset's room and notifies its client. */
function evict(io: FairportServer, socket: RemoteSocket<ServerToClientEvents, SocketData>, datasetId: string): void {
  socket.leave(rooms.dataset(datasetId));
  io.to(socket.id).emit('dataset:access-revoked', { datasetId });
}
