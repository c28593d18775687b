import { z } from 'zod';
import { pageQuery, uuid } from '../../../common/api/common.js';
import { notificationPage, notificationPreferences, notificationPreferencesUpdate, unreadCount } from '../../../common/api/notifications.js';
import { requireSignedIn } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import {
  markAllRead,
  markRead,
  notificationsOf,
  preferencesOf,
  savePreferences,
  toNotificationDto,
  unreadCountOf,
  type NotificationRow,
} from '../../notifications/notification-store.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const notificationParams = z.object({ notificationId: uuid });
const listQuery = pageQuery.extend({
  unread: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .meta({ description: 'true lists only unread notifications.' }),
});

/**
 * Defines the signed-in user's notification centre and email preferences. Marking read stays possible
 * while the portal is read-only, because it changes only the user's own reading state.
 */
export function notificationRoutes(context: AppContext): Route[] {
  const { knex } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/notifications',
      operationId: 'listNotifications',
      summary: 'Your notifications, newest first, with your unread count',
      tags: ['notifications'],
      permission: 'notifications.read',
      query: listQuery,
      success: { status: 200, description: 'A page of notifications', schema: notificationPage },
      errors: ['unauthenticated'],
      async handler({ query, actor }) {
        const user = requireSignedIn(actor);
        const rows = notificationsOf(knex, user.id).limit(query.limit + 1);
        if (query.unread) rows.whereNull('readAt');
        if (query.cursor) {
          // The cursor names a row: JavaScript dates drop the microseconds PostgreSQL keeps.
          const [afterId] = decodeCursor(query.cursor, ['uuid']);
          rows.whereRaw('(notifications.created_at, notifications.id) < (SELECT created_at, id FROM notifications WHERE id = ?::uuid)', [afterId]);
        }
        const page = toPage((await rows) as NotificationRow[], query.limit, (last) => [last.id], toNotificationDto);
        return { ...page, unreadCount: await unreadCountOf(knex, user.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notifications/read-all',
      operationId: 'markAllNotificationsRead',
      summary: 'Mark all your notifications read, on every device',
      tags: ['notifications'],
      permission: 'notifications.manage',
      success: { status: 200, description: 'Your unread count afterwards', schema: unreadCount },
      errors: ['unauthenticated'],
      readOnly: 'allowed',
      async handler({ actor }) {
        const user = requireSignedIn(actor);
        const changed = await markAllRead(knex, user.id);
        const count = await unreadCountOf(knex, user.id);
        if (changed > 0) context.notify.publisher.publishRead(user.id, { ids: 'all', unreadCount: count });
        return { unreadCount: count };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notifications/{notificationId}/read',
      operationId: 'markNotificationRead',
      summary: 'Mark one of your notifications read, on every device',
      tags: ['notifications'],
      permission: 'notifications.manage',
      params: notificationParams,
      success: { status: 200, description: 'Your unread count afterwards', schema: unreadCount },
      errors: ['unauthenticated'],
      readOnly: 'allowed',
      async handler({ params, actor }) {
        const user = requireSignedIn(actor);
        const changed = await markRead(knex, user.id, [params.notificationId]);
        const count = await unreadCountOf(knex, user.id);
        if (changed.length > 0) context.notify.publisher.publishRead(user.id, { ids: changed, unreadCount: count });
        return { unreadCount: count };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/notifications/preferences',
      operationId: 'getNotificationPreferences',
      summary: 'Which events you get email about',
      tags: ['notifications'],
      permission: 'notifications.read',
      success: { status: 200, description: 'Your preferences', schema: notificationPreferences },
      errors: ['unauthenticated'],
      async handler({ actor }) {
        return preferencesOf(knex, requireSignedIn(actor).id);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/notifications/preferences',
      operationId: 'updateNotificationPreferences',
      summary: 'Change which events you get email about; only the given ones change',
      tags: ['notifications'],
      permission: 'notifications.manage',
      body: notificationPreferencesUpdate,
      success: { status: 200, description: 'Your preferences', schema: notificationPreferences },
      errors: ['unauthenticated'],
      async handler({ body, actor }) {
        return savePreferences(knex, requireSignedIn(actor).id, body);
      },
    }),
  ];
}
