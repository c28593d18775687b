import { z } from 'zod';
import type { ClientToServerEvents } from '../../common/events.js';
import { EVENT_PERMISSIONS } from '../auth/permissions.js';
import { assertCredentialScope, authorize } from '../auth/policy.js';
import { getDataset } from '../domain/datasets.js';
import { HttpError } from '../http/http-error.js';
import { consumePoint, rateLimitKey, type RateLimits } from '../http/rate-limit.js';
import { moduleLogger } from '../observability/logger.js';
import { replyError } from './ack.js';
import { actorOfSocketData, credentialOf, type FairportSocket } from './socket-actor.js';
import { ANONYMOUS, type Actor } from '../auth/actor.js';

const log = moduleLogger('realtime');

const datasetSubject = z.object({ datasetId: z.uuid() }).loose();

/**
 * Runs before every event a client sends: rejects events that have no rule in the permission
 * table, counts the event against the rate limit, and checks the rule's action on the dataset
 * the event names. A rejected event gets its error through its acknowledgement and never reaches
 * its handler.
 */
export async function authorizeEvent(
  socket: FairportSocket,
  packet: unknown[],
  next: (error?: Error) => void,
  limits: RateLimits | undefined,
): Promise<void> {
  const [event, payload] = packet;
  const ack = packet.at(-1);
  try {
    const rule = typeof event === 'string' ? EVENT_PERMISSIONS[event as keyof ClientToServerEvents] : undefined;
    if (!rule || !Object.hasOwn(EVENT_PERMISSIONS, event as string)) {
      throw new HttpError('not_found', `The server handles no event named ${JSON.stringify(String(event)).slice(0, 80)}.`);
    }
    if (rule.subject === 'handler') {
      // The handler authorises from the rows it reads and counts the event against its own limit.
      assertCredentialScope(actorWithoutRole(socket), rule.action);
      next();
      return;
    }

    const actor = await actorOfSocketData(socket.data);
    if (limits) await consumePoint(limits.socketEvents, rateLimitKey(actor, socket.handshake.address), 'events');

    if (rule.subject === 'dataset') {
      const parsed = datasetSubject.safeParse(payload);
      if (!parsed.success) throw new HttpError('validation_failed', 'Expected { datasetId: <uuid> }.');
      await authorize(actor, rule.action, { type: 'dataset', dataset: await getDataset(parsed.data.datasetId) });
    } else {
      await authorize(actor, rule.action, { type: 'portal' });
    }
    next();
  } catch (error) {
    if (!(error instanceof HttpError)) log.error({ err: error, event: String(event) }, 'socket event check failed');
    replyError(ack, error);
  }
}

/**
 * The socket's actor as the handshake recorded it, without reading the user's role: enough to
 * check a token's scope, which is all the guard checks for events their handler authorises.
 */
function actorWithoutRole(socket: FairportSocket): Actor {
  if (!socket.data.userId) return ANONYMOUS;
  const credential = credentialOf(socket.data);
  return {
    type: 'user',
    id: socket.data.userId,
    email: '',
    displayName: socket.data.displayName ?? '',
    role: 'member',
    ...(credential ? { credential } : {}),
  };
}
