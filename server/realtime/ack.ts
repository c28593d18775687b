import type { Ack } from '../../common/errors.js';
import { HttpError } from '../http/http-error.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('realtime');

/**
 * Runs a socket handler and acknowledges its result, or a typed error the client can act on. An
 * HttpError becomes `{ ok: false, error }`, with its `conflicts` when it carries some. Anything
 * else is logged and acknowledged as `internal`, and the socket stays connected.
 */
export async function respond<T extends object>(ack: unknown, run: () => Promise<T>): Promise<void> {
  if (typeof ack !== 'function') return;
  const reply = ack as (result: Ack<T>) => void;
  try {
    reply({ ok: true, ...(await run()) });
  } catch (error) {
    replyError(ack, error);
  }
}

/** Acknowledges an error: an HttpError with its code, message and conflicts, anything else as `internal`. */
export function replyError(ack: unknown, error: unknown): void {
  if (typeof ack !== 'function') return;
  (ack as (result: ReturnType<typeof errorAck>) => void)(errorAck(error));
}

/** Turns an error into the failure half of an acknowledgement. */
export function errorAck(error: unknown): { ok: false; error: { code: HttpError['code']; message: string }; conflicts?: unknown[] } {
  if (error instanceof HttpError) {
    const conflicts = (error as HttpError & { conflicts?: unknown[] }).conflicts;
    return { ok: false, error: { code: error.code, message: error.message }, ...(conflicts ? { conflicts } : {}) };
  }
  log.error({ err: error }, 'socket handler failed');
  return { ok: false, error: { code: 'internal', message: 'An unexpected error occurred; it has been logged.' } };
}
