import type { NotificationKind } from '../../common/api/notifications.js';
import type { ProjectRole } from '../../common/api/projects.js';
import type { NotificationContent } from './notification-store.js';

/** An event users are notified of, with the facts the message needs. */
export type NotificationEvent =
  | { kind: 'import.completed'; importId: string; datasetId: string; datasetTitle: string; fileName: string; samples: number }
  | { kind: 'import.failed'; importId: string; datasetId: string; datasetTitle: string; fileName: string; error: string }
  | { kind: 'membership.added'; projectId: string; projectTitle: string; role: ProjectRole; byName: string }
  | { kind: 'membership.changed'; projectId: string; projectTitle: string; role: ProjectRole; previousRole: ProjectRole; byName: string }
  | { kind: 'membership.removed'; projectId: string; projectTitle: string; byName: string }
  | { kind: 'dataset.published'; datasetId: string; datasetTitle: string; projectId: string; projectTitle: string; byName: string };

/** Writes the in-app notification (and the email's subject and text) of an event. Plain text only: clients and mail show it as text. */
export function notificationContent(event: NotificationEvent): NotificationContent {
  const { kind, ...data } = event;
  const message = messageOf(event);
  return { kind: kind satisfies NotificationKind, ...message, data };
}

function messageOf(event: NotificationEvent): Pick<NotificationContent, 'title' | 'body' | 'link'> {
  switch (event.kind) {
    case 'import.completed':
      return {
        title: `Import finished: ${event.fileName}`,
        body: `${event.fileName} was loaded into "${event.datasetTitle}": ${event.samples.toLocaleString('en')} samples.`,
        link: `/datasets/${event.datasetId}`,
      };
    case 'import.failed':
      return {
        title: `Import failed: ${event.fileName}`,
        body: `${event.fileName} could not be loaded into "${event.datasetTitle}", and nothing was changed. ${event.error}`,
        link: `/datasets/${event.datasetId}`,
      };
    case 'membership.added':
      return {
        title: `You were added to "${event.projectTitle}"`,
        body: `${event.byName} added you to the project "${event.projectTitle}" as ${event.role}.`,
        link: `/projects/${event.projectId}`,
      };
    case 'membership.changed':
      return {
        title: `Your role in "${event.projectTitle}" changed`,
        body: `${event.byName} changed your role in the project "${event.projectTitle}" from ${event.previousRole} to ${event.role}.`,
        link: `/projects/${event.projectId}`,
      };
    case 'membership.removed':
      return {
        title: `You were removed from "${event.projectTitle}"`,
        body: `${event.byName} removed you from the project "${event.projectTitle}".`,
        link: null,
      };
    case 'dataset.published':
      return {
        title: `Published: ${event.datasetTitle}`,
        body: `${event.byName} published the dataset "${event.datasetTitle}" in the project "${event.projectTitle}", which you follow.`,
        link: `/datasets/${event.datasetId}`,
      };
  }
}

/** Writes the text of a notification email: the message, a link to it, and where to change the preferences. */
export function emailText(content: NotificationContent, publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const lines = [content.body];
  if (content.link) lines.push('', `Open it in Fairport: ${base}${content.link}`);
  lines.push('', '--', `You get this email because of your notification settings. Change them at ${base}/settings/notifications`);
  return `${lines.join('\n')}\n`;
}
