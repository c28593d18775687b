import { z } from 'zod';
import { rooms } from '../../common/events.js';
import { EVENT_PERMISSIONS } from '../auth/permissions.js';
import { authorizeDataset } from '../auth/policy.js';
import { getDataset } from '../domain/datasets.js';
import { HttpError } from '../http/http-error.js';
import { respond } from './ack.js';
import { actorOfSocketData, type FairportSocket } from './socket-actor.js';

const datasetRequest = z.object({ datasetId: z.uuid() });

/** Joining and leaving dataset rooms; the room name is built here from an id the policy has checked. */
export function registerDatasetRoomHandlers(socket: FairportSocket): void {
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
      return { seq: dataset.seq };
    });
  });

  socket.on('dataset:leave', (request, ack) => {
    void respond(ack, async () => {
      const { datasetId } = parseRequest(request);
      await socket.leave(rooms.dataset(datasetId));
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
