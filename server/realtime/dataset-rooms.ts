import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import { ANONYMOUS, type Actor } from '../auth/actor.js';
import { authorizeDataset } from '../auth/policy.js';
import { resolveActor } from '../auth/request-actor.js';
import { getDataset } from '../domain/datasets.js';
import { undoDepths } from '../domain/editing/apply-edit.js';
import { HttpError } from '../http/http-error.js';
import { respond } from './acks.js';

type FairportSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const datasetRequest = z.object({ datasetId: z.uuid() });

/** Called after a socket joined or left a dataset's room, e.g. to track presence. */
export interface RoomListener {
  joined(socket: FairportSocket, datasetId: string): Promise<void>;
  left(socket: FairportSocket, datasetId: string): Promise<void>;
}

/**
 * Joining and leaving dataset rooms; the room name is built here from an id the policy has
 * checked. The join answers with the dataset's seq, whether the user may edit it, and the depths
 * of the user's undo and redo stacks there.
 */
export function registerDatasetRoomHandlers(socket: FairportSocket, listener?: RoomListener): void {
  socket.on('dataset:join', (request, ack) => {
    void respond(ack, async () => {
      const { datasetId } = parseRequest(request);
      const dataset = await getDataset(datasetId);
      const actor = await currentActor(socket);
      await authorizeDataset(actor, 'read', dataset);
      const canEdit = await authorizeDataset(actor, 'edit', dataset).then(
        () => true,
        () => false,
      );
      const depths = canEdit && actor.type === 'user' ? await undoDepths(dataset.id, actor.id) : { undoDepth: 0, redoDepth: 0 };
      await socket.join(rooms.dataset(dataset.id));
      await listener?.joined(socket, dataset.id);
      return { seq: dataset.seq, canEdit, ...depths };
    });
  });

  socket.on('dataset:leave', (request, ack) => {
    void respond(ack, async () => {
      const { datasetId } = parseRequest(request);
      const room = rooms.dataset(datasetId);
      if (!socket.rooms.has(room)) return {};
      await socket.leave(room);
      await listener?.left(socket, datasetId);
      return {};
    });
  });
}

function parseRequest(request: unknown): { datasetId: string } {
  const parsed = datasetRequest.safeParse(request);
  if (!parsed.success) {
    throw new HttpError('validation_failed', 'Expected { datasetId: <uuid> }.');
  }
  return parsed.data;
}

/** The socket's actor with the user's current role, read again so a changed role applies at once. */
async function currentActor(socket: FairportSocket): Promise<Actor> {
  return socket.data.userId ? resolveActor(socket.data.userId) : ANONYMOUS;
}
