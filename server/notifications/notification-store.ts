import type { Knex } from 'knex';
import type { Notification, NotificationKind, NotificationPreferences, NotificationTopic } from '../../common/api/notifications.js';
import { iso, isoOrNull } from '../domain/timestamps.js';

/** A row of the `notifications` table as knex returns it. */
export interface NotificationRow {
  id: string;
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  readAt: Date | null;
  createdAt: Date;
}

/** Content of a notification for one user, before it is stored. */
export interface NotificationContent {
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
}

/** A recipient of email, with the address and name to write to. */
export interface EmailRecipient {
  id: string;
  email: string;
  displayName: string;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = { emailImports: true, emailMembership: true, emailPublications: true };

const PREFERENCE_COLUMN: Record<NotificationTopic, keyof NotificationPreferences> = {
  imports: 'emailImports',
  membership: 'emailMembership',
  publications: 'emailPublications',
};

export function toNotificationDto(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    createdAt: iso(row.createdAt),
    readAt: isoOrNull(row.readAt),
  };
}

/** Stores one notification for each user and returns the rows in the order of `userIds`. */
export async function insertNotifications(knex: Knex, userIds: string[], content: NotificationContent): Promise<NotificationRow[]> {
  if (userIds.length === 0) return [];
  const rows = userIds.map((userId) => ({ userId, ...content, data: JSON.stringify(content.data) }));
  return knex('notifications').insert(rows).returning('*');
}

/** Selects a user's notifications, newest first. */
export function notificationsOf(knex: Knex, userId: string): Knex.QueryBuilder {
  return knex('notifications')
    .where({ userId })
    .orderBy([{ column: 'createdAt', order: 'desc' }, { column: 'id', order: 'desc' }]);
}

/** Counts a user's unread notifications. */
export async function unreadCountOf(knex: Knex, userId: string): Promise<number> {
  const [row] = await knex('notifications').where({ userId }).whereNull('readAt').count<{ count: number | string }[]>('* as count');
  return Number(row?.count ?? 0);
}

/** Marks some of a user's notifications read and returns the ids that were unread. Ids of other users' notifications are ignored. */
export async function markRead(knex: Knex, userId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows: { id: string }[] = await knex('notifications')
    .where({ userId })
    .whereIn('id', ids)
    .whereNull('readAt')
    .update({ readAt: knex.fn.now() })
    .returning('id');
  return rows.map((row) => row.id);
}

/** Marks every unread notification of a user read; returns how many changed. */
export async function markAllRead(knex: Knex, userId: string): Promise<number> {
  return knex('notifications').where({ userId }).whereNull('readAt').update({ readAt: knex.fn.now() });
}

/** Reads a user's email preferences; a user who never saved any has the defaults. */
export async function preferencesOf(knex: Knex, userId: string): Promise<NotificationPreferences> {
  const row = await knex('notification_preferences').where({ userId }).first('emailImports', 'emailMembership', 'emailPublications');
  return row ?? { ...DEFAULT_PREFERENCES };
}

/** Saves the given email preferences of a user; the others keep their value. */
export async function savePreferences(knex: Knex, userId: string, changes: Partial<NotificationPreferences>): Promise<NotificationPreferences> {
  const merged = { ...(await preferencesOf(knex, userId)), ...changes };
  await knex('notification_preferences')
    .insert({ userId, ...merged })
    .onConflict('userId')
    .merge({ ...merged, updatedAt: knex.fn.now() });
  return merged;
}

/** Returns the users among `userIds` who want email about a topic, with their address. */
export async function emailRecipients(knex: Knex, userIds: string[], topic: NotificationTopic): Promise<EmailRecipient[]> {
  if (userIds.length === 0) return [];
  const column = PREFERENCE_COLUMN[topic];
  const wanted = DEFAULT_PREFERENCES[column];
  return knex('users')
    .leftJoin('notification_preferences', 'notification_preferences.userId', 'users.id')
    .whereIn('users.id', userIds)
    .where((prefers) => {
      prefers.where(`notification_preferences.${column}`, true);
      if (wanted) prefers.orWhereNull('notification_preferences.userId');
    })
    .select('users.id', 'users.email', 'users.displayName');
}
