import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { NoticeAudience, NoticeCreate, NoticeDraft, NoticeUpdate } from '../../common/api/notices.js';
import { noticeDraftIssues } from '../../common/api/notices.js';
import type { NoticeSnapshot } from '../../common/events.js';
import type { Actor, SignedInActor } from '../auth/actor.js';
import { isInNoticeAudience, scopeNoticeAudience } from '../auth/policy.js';
import { HttpError, notFound } from '../http/http-error.js';
import { validationError } from '../http/problem.js';
import { cancelNoticeTransitions, scheduleNoticeTransitions, type NoticeJobData } from '../jobs/notice-queue.js';
import { moduleLogger } from '../observability/logger.js';
import type { NoticePublisher } from '../realtime/notice-publisher.js';
import { renderNoticeMarkdown } from './notice-markdown.js';
import { audienceColumns, audienceOf, audienceRoom, isActive, toLiveNotice, type NoticeRow } from './notice-record.js';
import { activeNotices, dismissedAmong, findNotice, insertDismissal, insertNotice, patchNotice } from './notice-store.js';

const log = moduleLogger('notices');

/** Services the notice operations need. */
export interface NoticeServices {
  knex: Knex;
  queue: Queue<NoticeJobData>;
  publisher: NoticePublisher;
  /** Tells every server node that a read-only notice was created, changed or withdrawn. */
  onReadOnlyChange?: () => void;
}

/**
 * Creates a notice, schedules its start and end jobs, and shows it at once to its audience on
 * every node when it is already active. Commit first, then broadcast: a client that misses the
 * broadcast gets the notice on its next connect.
 */
export async function createNotice(services: NoticeServices, admin: SignedInActor, input: NoticeCreate & Required<Omit<NoticeCreate, 'startsAt'>>): Promise<NoticeRow> {
  const startsAt = input.startsAt ?? new Date().toISOString();
  const draft = checkedDraft({ ...input, startsAt });
  await assertAudienceExists(services.knex, input.audience);

  const row = await insertNotice(services.knex, {
    level: input.level,
    title: input.title,
    bodyMarkdown: input.bodyMarkdown,
    bodyHtml: renderNoticeMarkdown(input.bodyMarkdown),
    ...audienceColumns(input.audience),
    ...draftColumns(draft),
    createdBy: admin.id,
    updatedBy: admin.id,
  });
  await scheduleNoticeTransitions(services.queue, row);
  if (isActive(row, new Date())) services.publisher.publishShown(row);
  if (row.readOnly) services.onReadOnlyChange?.();

  log.info({ noticeId: row.id, by: admin.id, level: row.level, audience: audienceRoom(audienceOf(row)), startsAt: row.startsAt }, 'notice created');
  return row;
}

/**
 * Changes a notice. The audience sees the change live: an active notice is replaced, one that
 * left its window or audience is hidden, one that entered them is shown. A withdrawn notice
 * cannot be changed, because its audience can no longer see it.
 */
export async function updateNotice(services: NoticeServices, admin: SignedInActor, noticeId: string, changes: NoticeUpdate): Promise<NoticeRow> {
  const before = await loadNotice(services.knex, noticeId);
  if (before.withdrawnAt) {
    throw new HttpError('conflict', `Notice ${noticeId} was withdrawn and can no longer be changed; create a new notice.`);
  }
  const draft = checkedDraft({ ...draftOf(before), ...changes, readOnlyFrom: mergedReadOnlyFrom(before, changes) });
  if (changes.audience) await assertAudienceExists(services.knex, changes.audience);

  const row = await patchNotice(services.knex, noticeId, {
    ...(changes.level ? { level: changes.level } : {}),
    ...(changes.title ? { title: changes.title } : {}),
    ...(changes.bodyMarkdown !== undefined ? { bodyMarkdown: changes.bodyMarkdown, bodyHtml: renderNoticeMarkdown(changes.bodyMarkdown) } : {}),
    ...(changes.audience ? audienceColumns(changes.audience) : {}),
    ...draftColumns(draft),
    updatedBy: admin.id,
  });
  await scheduleNoticeTransitions(services.queue, row, before);
  publishEdit(services.publisher, before, row);
  if (row.readOnly || before.readOnly) services.onReadOnlyChange?.();

  log.info({ noticeId, by: admin.id, version: row.version, changed: Object.keys(changes) }, 'notice updated');
  return row;
}

/** Withdraws a notice: it disappears at once from every browser that shows it, and its pending jobs are removed. */
export async function withdrawNotice(services: NoticeServices, admin: SignedInActor, noticeId: string): Promise<NoticeRow> {
  const before = await loadNotice(services.knex, noticeId);
  if (before.withdrawnAt) return before;

  const row = await patchNotice(services.knex, noticeId, { withdrawnAt: new Date(), withdrawnBy: admin.id });
  await cancelNoticeTransitions(services.queue, row);
  if (isActive(before, new Date())) services.publisher.publishHidden(row);
  if (row.readOnly) services.onReadOnlyChange?.();

  log.info({ noticeId, by: admin.id }, 'notice withdrawn');
  return row;
}

/** Records a user's dismissal and hides the notice on the user's other devices. */
export async function dismissNotice(services: NoticeServices, user: SignedInActor, noticeId: string): Promise<void> {
  const row = await findNotice(services.knex, noticeId);
  if (!row || !(await isInNoticeAudience(user, audienceOf(row)))) throw notFound('Notice', noticeId);
  if (!row.dismissible) {
    throw new HttpError('conflict', `Notice ${noticeId} cannot be dismissed; it stays until it ends or is withdrawn.`);
  }

  await insertDismissal(services.knex, noticeId, user.id);
  services.publisher.publishDismissed(user.id, noticeId);
}

/** Reads the notices active now for an actor, as a socket receives them on connect. */
export async function noticeSnapshotFor(knex: Knex, actor: Actor): Promise<NoticeSnapshot> {
  const rows: NoticeRow[] = await scopeNoticeAudience(knex, activeNotices(knex), actor);
  const dismissedIds = actor.type === 'user' ? await dismissedAmong(knex, actor.id, rows.map((row) => row.id)) : [];
  return { notices: rows.map(toLiveNotice), dismissedIds };
}

/** Reads a notice, or throws 404. */
export async function loadNotice(knex: Knex, noticeId: string): Promise<NoticeRow> {
  const row = await findNotice(knex, noticeId);
  if (!row) throw notFound('Notice', noticeId);
  return row;
}

function publishEdit(publisher: NoticePublisher, before: NoticeRow, after: NoticeRow): void {
  const now = new Date();
  const wasShown = isActive(before, now);
  const isShown = isActive(after, now);
  const previous = audienceOf(before);
  const current = audienceOf(after);

  if (wasShown && isShown && audienceRoom(previous) !== audienceRoom(current)) {
    publisher.publishMoved(after, previous, current);
    return;
  }
  if (isShown) publisher.publishShown(after);
  else if (wasShown) publisher.publishHidden(after, previous);
}

/** Checks the schedule and read-only rules; a read-only window starts with the notice unless set. */
function checkedDraft(draft: NoticeDraft): NoticeDraft {
  const readOnlyFrom = draft.readOnly ? (draft.readOnlyFrom ?? draft.startsAt) : null;
  const checked = { ...draft, readOnlyFrom };
  const issues = noticeDraftIssues(checked);
  if (issues.length > 0) throw validationError(issues.map((issue) => ({ field: `body.${issue.field}`, message: issue.message })));
  return checked;
}

/** Keeps an explicit read-only start only while the notice stays read-only; a moved start moves an implicit one. */
function mergedReadOnlyFrom(before: NoticeRow, changes: NoticeUpdate): string | null {
  if (changes.readOnlyFrom !== undefined) return changes.readOnlyFrom;
  if (!before.readOnlyFrom || before.readOnlyFrom.getTime() === before.startsAt.getTime()) return null;
  return before.readOnlyFrom.toISOString();
}

function draftOf(row: NoticeRow): NoticeDraft {
  return {
    level: row.level,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    dismissible: row.dismissible,
    readOnly: row.readOnly,
    readOnlyFrom: row.readOnlyFrom?.toISOString() ?? null,
  };
}

function draftColumns(draft: NoticeDraft): Partial<NoticeRow> {
  return {
    level: draft.level,
    startsAt: new Date(draft.startsAt),
    endsAt: draft.endsAt === null ? null : new Date(draft.endsAt),
    dismissible: draft.dismissible,
    readOnly: draft.readOnly,
    readOnlyFrom: draft.readOnlyFrom === null ? null : new Date(draft.readOnlyFrom),
  };
}

async function assertAudienceExists(knex: Knex, audience: NoticeAudience): Promise<void> {
  if (audience.type !== 'project') return;
  const project = await knex('projects').where({ id: audience.projectId }).first('id');
  if (!project) {
    throw validationError([{ field: 'body.audience.projectId', message: `project ${audience.projectId} does not exist` }]);
  }
}
