import { z } from 'zod';
import { rooms } from '../../common/events.js';
import { EVENT_PERMISSIONS } from '../auth/permissions.js';
import { authorizeDataset } from '../auth/policy.js';
import { getDataset } from '../domain/datasets.js';
import { undoDepths } from '../domain/editing/apply-edit.js';
import { HttpError } from '../http/http-error.js';
import { respond } from './ack.js';
import { actorOfSocketData, type FairportSocket } from './socket-actor.js';

const datasetRequest = z.object({ datasetId: z.uuid() });

/** Called after a socket joined or left a dataset's room, e.g. to track presence. */
export interface RoomListener {
  joined(socket: FairportSocket, datasetId: string): Promise<void>;
  left(socket: FairportSocket, datasetId: string): Promise<void>;
}

/**
 * Registers joining and leaving dataset rooms. The room name is built here from an id the policy
 * has checked. The join acknowledges with the dataset's seq, whether the user may edit it, and the
 * depths of the user's undo and redo stacks there.
 */
export function registerDatasetRoomHandlers(socket: FairportSocket, listener?: RoomListener): void {
  socket.on('dataset:join', (request, ack) => {
    void respond(ack, async () => {
      const { datasetId } = parseRequest(request);
      const action = EVENT_PERMISSIONS['dataset:join'].action;
      await authorizeDataset(await actorOfSocketData(socket.data), action, await getDataset(datasetId));
      await socket.join(rooms.dataset(datasetId));

      // Checked again after joining: access revoked between the first check and the join has
      // already swept the room, so the sweep would miss this socket; this check catches it.
      const dataset = await getDataset(datasetId);
      try {
        await authorizeDataset(await actorOfSocketData(socket.data), action, dataset);
      } catch (error) {
        await socket.leave(rooms.dataset(datasetId));
        throw error;
      }
      const actor = await actorOfSocketData(socket.data);
      const canEdit = await authorizeDataset(actor, 'dataset.edit-data', dataset).then(
        () => true,
        () => false,
      );
      const depths = canEdit && actor.type === 'user' ? await undoDepths(dataset.id, actor.id) : { undoDepth: 0, redoDepth: 0 };
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
