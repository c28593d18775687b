import type { Knex } from 'knex';
import type { NoticeAudience, NoticeReach, NoticeStatus } from '../../common/api/notices.js';
import type { NoticeRow } from './notice-record.js';

/** Reads one notice, or undefined. */
export async function findNotice(knex: Knex, id: string): Promise<NoticeRow | undefined> {
  return knex<NoticeRow>('notices').where({ id }).first();
}

/** Inserts a notice and returns the stored row. */
export async function insertNotice(knex: Knex, values: Partial<NoticeRow>): Promise<NoticeRow> {
  const [row] = await knex<NoticeRow>('notices').insert(values).returning('*');
  return row as NoticeRow;
}

/** Changes a notice and raises its version; returns the stored row. */
export async function patchNotice(knex: Knex, id: string, values: Partial<NoticeRow>): Promise<NoticeRow> {
  const [row] = await knex('notices')
    .where({ id })
    .update({ ...values, version: knex.raw('version + 1'), updatedAt: knex.fn.now() })
    .returning('*');
  return row as NoticeRow;
}

/**
 * Lists notices newest start first, optionally only those with one status now. The status is
 * computed from the same rules as statusAt, in SQL, so the page boundaries stay right.
 */
export function listNotices(knex: Knex, status: NoticeStatus | undefined): Knex.QueryBuilder<NoticeRow, NoticeRow[]> {
  const query = knex<NoticeRow>('notices').select('*');
  switch (status) {
    case undefined:
      break;
    case 'withdrawn':
      query.whereNotNull('withdrawnAt');
      break;
    case 'scheduled':
      query.whereNull('withdrawnAt').where('startsAt', '>', knex.fn.now());
      break;
    case 'expired':
      query.whereNull('withdrawnAt').where('endsAt', '<=', knex.fn.now());
      break;
    case 'active':
      whereActive(knex, query);
      break;
  }
  return query;
}

function whereActive(knex: Knex, query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query
    .whereNull('notices.withdrawnAt')
    .where('notices.startsAt', '<=', knex.fn.now())
    .where((ends) => ends.whereNull('notices.endsAt').orWhere('notices.endsAt', '>', knex.fn.now()));
}

/** Selects the notices active now: started, not expired and not withdrawn. */
export function activeNotices(knex: Knex): Knex.QueryBuilder {
  return whereActive(knex, knex('notices').select('notices.*')).orderBy([
    { column: 'notices.startsAt', order: 'desc' },
    { column: 'notices.id' },
  ]);
}

/** Returns the ids among `noticeIds` that a user dismissed. */
export async function dismissedAmong(knex: Knex, userId: string, noticeIds: string[]): Promise<string[]> {
  if (noticeIds.length === 0) return [];
  // Selected rather than plucked: pluck reads the column before the camelCase mapper renames it.
  const rows: { noticeId: string }[] = await knex('notice_dismissals').where('userId', userId).whereIn('noticeId', noticeIds).select('noticeId');
  return rows.map((row) => row.noticeId);
}

/** Records that a user dismissed a notice; dismissing twice changes nothing. */
export async function insertDismissal(knex: Knex, noticeId: string, userId: string): Promise<void> {
  await knex('notice_dismissals').insert({ noticeId, userId }).onConflict(['userId', 'noticeId']).ignore();
}

/** Counts the accounts an audience covers now. */
export async function reachOf(knex: Knex, audience: NoticeAudience): Promise<NoticeReach> {
  const count = async (query: Knex.QueryBuilder) => Number(((await query.count<{ count: string | number }[]>('* as count')) as { count: number }[])[0]?.count ?? 0);
  switch (audience.type) {
    case 'everyone':
      return { users: await count(knex('users')), includesVisitors: true };
    case 'role':
      return { users: await count(knex('users').where('role', audience.role)), includesVisitors: false };
    case 'project':
      return { users: await count(knex('project_members').where('projectId', audience.projectId)), includesVisitors: false };
  }
}

/**
 * Finds the read-only maintenance notice in force now, if any: the one that ends last when several
 * overlap, so Retry-After covers all of them.
 */
/** The read-only notices that have not been withdrawn and have not ended, whatever their start. */
export async function pendingReadOnlyNotices(knex: Knex): Promise<NoticeRow[]> {
  return knex<NoticeRow>('notices')
    .where('readOnly', true)
    .whereNull('withdrawnAt')
    .where((ends) => ends.whereNull('endsAt').orWhere('endsAt', '>', knex.fn.now()));
}

