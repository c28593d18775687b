import { Queue, type ConnectionOptions } from 'bullmq';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('notice-queue');

/** Name of the queue of notice start and end jobs, consumed by the worker process. */
export const NOTICE_QUEUE = 'notices';

/** A notice reaching its start or end time; the worker reads the notice again before acting. */
export interface NoticeJobData {
  noticeId: string;
  transition: 'start' | 'end';
  /** The time the job was scheduled for, ISO 8601; part of the job id. */
  at: string;
}

/** The times a notice changes state; null for an open end. */
export interface NoticeTimes {
  id: string;
  startsAt: Date;
  endsAt: Date | null;
}

/** Creates the producer side of the notice queue. Three attempts cover a worker that dies mid-job. */
export function createNoticeQueue(connection: ConnectionOptions, prefix: string): Queue<NoticeJobData> {
  return new Queue<NoticeJobData>(NOTICE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
}

/**
 * Builds the id of the job of one transition at one time. Scheduling the same transition again adds
 * nothing, and a job left behind by an edit that moved the time finds the notice changed and
 * does nothing (see the worker's notice transition).
 */
export function noticeJobId(noticeId: string, transition: NoticeJobData['transition'], at: Date): string {
  return `notice-${noticeId}-${transition}-${at.getTime()}`;
}

/**
 * Schedules delayed jobs at a notice's start (when it is still ahead) and end, so the audience
 * sees it appear and disappear on time on every node without any server being restarted.
 * Jobs of times an edit replaced are removed, as long as they have not started.
 */
export async function scheduleNoticeTransitions(queue: Queue<NoticeJobData>, times: NoticeTimes, previous?: NoticeTimes): Promise<void> {
  const now = Date.now();
  if (previous) await removeReplacedJobs(queue, times, previous);

  if (times.startsAt.getTime() > now) await addTransition(queue, times.id, 'start', times.startsAt, now);
  if (times.endsAt) await addTransition(queue, times.id, 'end', times.endsAt, now);
}

/** Removes the pending jobs of a notice that was withdrawn. */
export async function cancelNoticeTransitions(queue: Queue<NoticeJobData>, times: NoticeTimes): Promise<void> {
  await removeJob(queue, noticeJobId(times.id, 'start', times.startsAt));
  if (times.endsAt) await removeJob(queue, noticeJobId(times.id, 'end', times.endsAt));
}

async function addTransition(queue: Queue<NoticeJobData>, noticeId: string, transition: NoticeJobData['transition'], at: Date, now: number): Promise<void> {
  const jobId = noticeJobId(noticeId, transition, at);
  await queue.add(transition, { noticeId, transition, at: at.toISOString() }, { jobId, delay: Math.max(0, at.getTime() - now) });
  log.debug({ noticeId, transition, at: at.toISOString(), jobId }, 'notice transition scheduled');
}

async function removeReplacedJobs(queue: Queue<NoticeJobData>, times: NoticeTimes, previous: NoticeTimes): Promise<void> {
  if (previous.startsAt.getTime() !== times.startsAt.getTime()) {
    await removeJob(queue, noticeJobId(times.id, 'start', previous.startsAt));
  }
  if (previous.endsAt && previous.endsAt.getTime() !== times.endsAt?.getTime()) {
    await removeJob(queue, noticeJobId(times.id, 'end', previous.endsAt));
  }
}

async function removeJob(queue: Queue<NoticeJobData>, jobId: string): Promise<void> {
  try {
    await queue.remove(jobId);
  } catch (error) {
    // A job that is running right now is locked and stays; it reads the notice and does nothing.
    log.warn({ err: error, jobId }, 'could not remove a replaced notice job');
  }
}
