import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { NoticeJobData } from '../../server/jobs/notice-queue.js';
import { statusAt } from '../../server/notices/notice-record.js';
import { findNotice } from '../../server/notices/notice-store.js';
import { moduleLogger } from '../../server/observability/logger.js';
import type { NoticePublisher } from '../../server/realtime/notice-publisher.js';

const log = moduleLogger('notice-transition');

/**
 * A job that runs this much before its notice's time waits for it. BullMQ promotes delayed jobs
 * by the clock of the process that added them, so a job may start a little early. A time further
 * away means that an edit moved it, and the job of the new time does the work.
 */
const EARLY_WAIT_LIMIT_MS = 60_000;

/** Outcome of a notice job. */
export type NoticeTransitionOutcome = { published: 'shown' | 'hidden' } | { skipped: string };

/** Services a notice job needs. */
export interface NoticeTransitionDependencies {
  knex: Knex;
  publisher: NoticePublisher;
}

/**
 * Shows a notice to its audience when it starts, or hides it when it ends, after reading it again:
 * a notice that was edited, withdrawn or deleted since the job was queued is left alone. Showing
 * or hiding twice is harmless, because clients keep the copy with the highest version.
 */
export async function runNoticeTransition(deps: NoticeTransitionDependencies, job: NoticeJobData): Promise<NoticeTransitionOutcome> {
  const row = await findNotice(deps.knex, job.noticeId);
  if (!row) return skip(job, 'the notice no longer exists');

  const now = new Date();
  const status = statusAt(row, now);
  const target = job.transition === 'start' ? row.startsAt : row.endsAt;
  const waiting = job.transition === 'start' ? status === 'scheduled' : status === 'active';

  if (waiting && target) {
    const early = target.getTime() - now.getTime();
    if (early > EARLY_WAIT_LIMIT_MS) return skip(job, 'an edit moved the time later');
    await sleep(early);
    return runNoticeTransition(deps, job);
  }
  if (job.transition === 'start' && status === 'active') {
    deps.publisher.publishShown(row);
    log.info({ noticeId: row.id, version: row.version }, 'notice started');
    return { published: 'shown' };
  }
  if (job.transition === 'end' && status === 'expired') {
    deps.publisher.publishHidden(row);
    log.info({ noticeId: row.id, version: row.version }, 'notice ended');
    return { published: 'hidden' };
  }
  return skip(job, `the notice is ${status}`);
}

function skip(job: NoticeJobData, reason: string): NoticeTransitionOutcome {
  log.info({ noticeId: job.noticeId, transition: job.transition, at: job.at, reason }, 'notice job skipped');
  return { skipped: reason };
}
