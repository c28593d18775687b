import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

export const NOTIFICATION_KINDS = [
  'import.completed',
  'import.failed',
  'membership.added',
  'membership.changed',
  'membership.removed',
  'dataset.published',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The groups of notification kinds a user turns email on or off for. */
export const NOTIFICATION_TOPICS = ['imports', 'membership', 'publications'] as const;
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];

/** The topic each kind belongs to, for the email preferences. */
export const TOPIC_OF_KIND: Record<NotificationKind, NotificationTopic> = {
  'import.completed': 'imports',
  'import.failed': 'imports',
  'membership.added': 'membership',
  'membership.changed': 'membership',
  'membership.removed': 'membership',
  'dataset.published': 'publications',
};

export const notification = z
  .object({
    id: uuid,
    kind: z.enum(NOTIFICATION_KINDS),
    title: z.string(),
    body: z.string().meta({ description: 'Plain text; clients show it as text.' }),
    link: z.string().nullable().meta({ description: 'Path inside the portal to what the notification is about.' }),
    createdAt: isoDateTime,
    readAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof notification>;

export const notificationPage = z
  .object({
    items: z.array(notification),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` to fetch the next page; null on the last page.' }),
    unreadCount: z.number().int(),
  })
  .meta({ id: 'NotificationPage' });
export type NotificationPage = z.infer<typeof notificationPage>;

export const unreadCount = z.object({ unreadCount: z.number().int() }).meta({ id: 'UnreadCount' });

export const notificationPreferences = z
  .object({
    emailImports: z.boolean().meta({ description: 'Email when an import you started finishes or fails.' }),
    emailMembership: z.boolean().meta({ description: 'Email when you are added to a project, your role changes or you are removed.' }),
    emailPublications: z.boolean().meta({ description: 'Email when a dataset is published in a project you follow.' }),
  })
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof notificationPreferences>;

export const notificationPreferencesUpdate = notificationPreferences.partial().meta({ id: 'NotificationPreferencesUpdate' });

export const followState = z
  .object({ following: z.boolean() })
  .meta({ id: 'FollowState', description: 'Whether you follow the project and hear of its publications.' });
export type FollowState = z.infer<typeof followState>;
