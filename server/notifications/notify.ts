import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { TOPIC_OF_KIND } from '../../common/api/notifications.js';
import { enqueueEmail, type EmailJobData } from '../jobs/queues.js';
import { moduleLogger } from '../observability/logger.js';
import type { NotificationPublisher } from '../realtime/notification-publisher.js';
import { emailText, notificationContent, type NotificationEvent } from './notification-messages.js';
import { emailRecipients, insertNotifications, toNotificationDto, unreadCountOf } from './notification-store.js';

const log = moduleLogger('notify');

/** Services that notifying users needs; the server and the worker both have them. */
export interface NotifyDependencies {
  knex: Knex;
  publisher: NotificationPublisher;
  emailQueue: Queue<EmailJobData>;
  /** The address users open, for the links in emails. */
  publicUrl: string;
}

/**
 * Tells users about an event: stores an in-app notification for each, sends it live to their
 * devices, and queues an email for those whose preferences ask for the event's topic. The rows
 * are committed before anything is sent, so a client that misses the live event reads them later.
 */
export async function notifyUsers(deps: NotifyDependencies, userIds: readonly string[], event: NotificationEvent): Promise<void> {
  const recipients = [...new Set(userIds)];
  if (recipients.length === 0) return;

  const content = notificationContent(event);
  const rows = await insertNotifications(deps.knex, recipients, content);
  for (const row of rows) {
    deps.publisher.publishNew(row.userId, toNotificationDto(row), await unreadCountOf(deps.knex, row.userId));
  }

  const mailTo = await emailRecipients(deps.knex, recipients, TOPIC_OF_KIND[event.kind]);
  const text = emailText(content, deps.publicUrl);
  for (const recipient of mailTo) {
    await enqueueEmail(deps.emailQueue, { kind: `notification.${event.kind}`, to: recipient.email, subject: content.title, text });
  }
  log.info({ kind: event.kind, users: recipients.length, emails: mailTo.length }, 'users notified');
}

/**
 * Runs notifyUsers and logs instead of throwing, for callers whose own work has already
 * committed and must not be reported as failed because a notification could not be sent.
 */
export async function notifyUsersSafely(deps: NotifyDependencies, userIds: readonly string[], event: NotificationEvent): Promise<void> {
  try {
    await notifyUsers(deps, userIds, event);
  } catch (error) {
    log.error({ err: error, kind: event.kind, users: userIds.length }, 'notifying users failed');
  }
}
