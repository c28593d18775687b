import type { Ack } from '../../common/errors.js';
import { HttpError } from '../http/http-error.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('realtime');

/** Runs a handler and acknowledges its result, or a typed error the client can act on. */
export async function respond<T extends object>(ack: unknown, run: () => Promise<T>): Promise<void> {
  if (typeof ack !== 'function') return;
  const reply = ack as (result: Ack<T>) => void;
  try {
    reply({ ok: true, ...(await run()) });
  } catch (error) {
    replyError(ack, error);
  }
}

/** Acknowledges an error: an HttpError with its code and message, anything else as `internal`. */
export function replyError(ack: unknown, error: unknown): void {
  if (typeof ack !== 'function') return;
  const reply = ack as (result: Ack) => void;
  if (error instanceof HttpError) {
    reply({ ok: false, error: { code: error.code, message: error.message } });
    return;
  }
  log.error({ err: error }, 'socket handler failed');
  reply({ ok: false, error: { code: 'internal', message: 'An unexpected error occurred; it has been logged.' } });
}
