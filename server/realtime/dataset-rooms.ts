import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { Ack } from '../../common/errors.js';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import { ANONYMOUS, type Actor } from '../auth/actor.js';
import { authorizeDataset } from '../auth/policy.js';
import { resolveActor } from '../auth/request-actor.js';
import { getDataset } from '../domain/datasets.js';
import { HttpError } from '../http/http-error.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('realtime');

type FairportSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const datasetRequest = z.object({ datasetId: z.uuid() });

/** Joining and leaving dataset rooms; the room name is built here from an id the policy has checked. */
export function registerDatasetRoomHandlers(socket: FairportSocket): void {
  socket.on('dataset:join', (request, ack) => {
    void respond(ack, async () => {
      const { datasetId } = parseRequest(request);
      const dataset = await getDataset(datasetId);
      await authorizeDataset(await currentActor(socket), 'read', dataset);
      await socket.join(rooms.dataset(dataset.id));
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

/** The socket's actor with the user's current role, read again so a changed role applies at once. */
async function currentActor(socket: FairportSocket): Promise<Actor> {
  return socket.data.userId ? resolveActor(socket.data.userId) : ANONYMOUS;
}

/** Runs a handler and acknowledges its result, or a typed error the client can act on. */
async function respond<T extends object>(ack: unknown, run: () => Promise<T>): Promise<void> {
  if (typeof ack !== 'function') return;
  const reply = ack as (result: Ack<T>) => void;
  try {
    reply({ ok: true, ...(await run()) });
  } catch (error) {
    if (error instanceof HttpError) {
      reply({ ok: false, error: { code: error.code, message: error.message } });
      return;
    }
    log.error({ err: error }, 'socket handler failed');
    reply({ ok: false, error: { code: 'internal', message: 'An unexpected error occurred; it has been logged.' } });
  }
}
