import type { RequestHandler } from 'express';
import { Model } from 'objection';
import type { Socket } from 'socket.io';
import type { AckError } from '../../common/errors.js';
import { READ_ONLY_SAFE_EVENTS } from '../../common/events.js';
import { HttpError } from '../http/http-error.js';
import type { NoticeRow } from '../notices/notice-record.js';
import { pendingReadOnlyNotices } from '../notices/notice-store.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('maintenance');

// NOTE: only requests and socket events are rejected. Import jobs queued before the window still run and write.

// Every node caches the read-only notices that have not ended, with their windows, so a write
// costs no query. The switch still turns at the notices' own times because the windows are cached.
// The node that creates, changes or withdraws one clears its cache and sends `maintenance:changed`
// so the other nodes clear theirs. Each cache is read again at least this often in any case.
const CACHE_MAX_AGE_MS = 5000;
let cached: { notices: NoticeRow[]; loadedAt: number } | null = null;

/** Clears this node's cache of the read-only notices, so the next write reads them again. */
export function forgetReadOnlyNotices(): void {
  cached = null;
}

async function readOnlyNoticeAt(now: Date): Promise<NoticeRow | undefined> {
  if (!cached || now.getTime() - cached.loadedAt > CACHE_MAX_AGE_MS) {
    cached = { notices: await pendingReadOnlyNotices(Model.knex()), loadedAt: now.getTime() };
  }
  const inForce = cached.notices.filter(
    (notice) => notice.readOnlyFrom !== null && notice.readOnlyFrom <= now && (notice.endsAt === null || notice.endsAt > now),
  );
  // The one that ends last decides Retry-After; one without an end comes first.
  inForce.sort((a, b) => endTime(b) - endTime(a));
  return inForce[0];
}

function endTime(notice: NoticeRow): number {
  return notice.endsAt === null ? Number.POSITIVE_INFINITY : notice.endsAt.getTime();
}

/**
 * Throws 503 `unavailable` while a read-only maintenance notice is in force, with Retry-After
 * set to the seconds until it ends when it has an end.
 */
export async function assertWritable(): Promise<void> {
  const now = new Date();
  const notice = await readOnlyNoticeAt(now);
  if (!notice) return;
  throw readOnlyError(notice, now);
}

/** Builds the error of a write rejected during maintenance, in words a user can act on. */
export function readOnlyError(notice: Pick<NoticeRow, 'title' | 'endsAt'>, now: Date): HttpError {
  const until = notice.endsAt ? ` until ${notice.endsAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : ' until an admin ends the maintenance';
  const message = `The portal is read-only for maintenance${until} (${notice.title}). Reading and live viewing still work; send your change again after the maintenance.`;
  const retryAfterSeconds = notice.endsAt ? Math.max(1, Math.ceil((notice.endsAt.getTime() - now.getTime()) / 1000)) : undefined;
  return new HttpError('unavailable', message, undefined, retryAfterSeconds);
}

/**
 * Express middleware that rejects the request while the portal is read-only. It is mounted before
 * the upload parsers, so no file is received first.
 */
export const rejectWritesWhenReadOnly: RequestHandler = async (_req, _res, next) => {
  await assertWritable();
  next();
};

/**
 * Rejects every socket event outside READ_ONLY_SAFE_EVENTS while the portal is read-only. The
 * acknowledgement, when the client requested one, carries the `unavailable` error and the handler
 * never runs. Joining rooms and receiving broadcasts go on.
 */
export function guardSocketWrites(socket: Socket): void {
  socket.use(([event, ...args], next) => {
    if (READ_ONLY_SAFE_EVENTS.has(event)) {
      next();
      return;
    }
    void checkSocketWrite(event, args.at(-1), next);
  });
}

async function checkSocketWrite(event: string, ack: unknown, next: (error?: Error) => void): Promise<void> {
  const rejection = await writeRejection(event);
  if (rejection === null) {
    next();
    return;
  }
  // Not calling next() drops the event, so its handler never runs.
  if (typeof ack === 'function') {
    const reply: AckError = { ok: false, error: { code: rejection.code, message: rejection.message } };
    (ack as (result: AckError) => void)(reply);
  }
}

/** Builds the error that rejects a socket write now, or returns null when writes are allowed. */
async function writeRejection(event: string): Promise<HttpError | null> {
  try {
    await assertWritable();
    return null;
  } catch (error) {
    if (error instanceof HttpError) return error;
    log.error({ err: error, event }, 'read-only check failed, socket event rejected');
    return new HttpError('internal', 'The server could not check whether the portal is read-only; try again.');
  }
}
