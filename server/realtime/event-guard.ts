import { z } from 'zod';
import type { ClientToServerEvents } from '../../common/events.js';
import { EVENT_PERMISSIONS } from '../auth/permissions.js';
import { authorize } from '../auth/policy.js';
import { getDataset } from '../domain/datasets.js';
import { HttpError } from '../http/http-error.js';
import { consumePoint, rateLimitKey, type RateLimits } from '../http/rate-limit.js';
import { moduleLogger } from '../observability/logger.js';
import { replyError } from './ack.js';
import { actorOfSocketData, type FairportSocket } from './socket-actor.js';

const log = moduleLogger('realtime');

const datasetSubject = z.object({ datasetId: z.uuid() }).loose();

/**
 * Runs before every event a client sends: refuses events that have no rule in the permission
 * table, counts the event against the rate limit, and checks the rule's action on the dataset
 * the event names. A refused event is answered through its acknowledgement and never reaches
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
