import type { Notification } from '../../common/api/notifications.js';
import type { NotificationsRead } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import type { RoomBroadcaster } from './publisher.js';

/** Sends a user's notification events to the user's own room, so every device of the user gets them. */
export interface NotificationPublisher {
  publishNew(userId: string, notification: Notification, unreadCount: number): void;
  publishRead(userId: string, read: NotificationsRead): void;
}

/** Builds a notification publisher over a Socket.IO server or a Redis emitter. */
export function createNotificationPublisher(broadcaster: RoomBroadcaster): NotificationPublisher {
  return {
    publishNew(userId, notification, unreadCount) {
      broadcaster.to(rooms.user(userId)).emit('notification:new', { notification, unreadCount });
    },
    publishRead(userId, read) {
      broadcaster.to(rooms.user(userId)).emit('notification:read', read);
    },
  };
}
