import { createSignal } from 'solid-js';
import type { Notification } from '../../../common/api/notifications.js';
import { fetchNotifications, markAllNotificationsRead, markNotificationRead } from '../api/notifications.js';
import { getSocket } from '../realtime/socket.js';

/** How many notifications the bell's panel keeps. */
const RECENT_LIMIT = 20;

const [recent, setRecent] = createSignal<Notification[]>([]);
const [unread, setUnread] = createSignal(0);
const [loadError, setLoadError] = createSignal<unknown>(null);

/** The newest notifications of the signed-in user, newest first. */
export const recentNotifications = recent;

/** The signed-in user's unread count, kept live across devices. */
export const unreadCount = unread;

/** The reason the newest notifications could not be read, or null after a successful read. */
export const notificationsLoadError = loadError;

let listening = false;

/**
 * Reads the signed-in user's newest notifications and listens for new ones and for reads on
 * other devices. Call after sign-in and after every reconnect: live events sent while the socket
 * was down are lost, and the database has them.
 */
export async function loadNotifications(): Promise<void> {
  listen();
  try {
    const page = await fetchNotifications({ limit: RECENT_LIMIT });
    setRecent(page.items);
    setUnread(page.unreadCount);
    setLoadError(null);
  } catch (error) {
    setLoadError(error);
  }
}

/** Forgets the notifications of a user who signed out. */
export function clearNotifications(): void {
  setRecent([]);
  setUnread(0);
}

export async function markRead(notificationId: string): Promise<void> {
  markLocally([notificationId]);
  const result = await markNotificationRead(notificationId);
  setUnread(result.unreadCount);
}

export async function markAllRead(): Promise<void> {
  markLocally('all');
  const result = await markAllNotificationsRead();
  setUnread(result.unreadCount);
}

function listen(): void {
  if (listening) return;
  listening = true;

  const socket = getSocket();
  socket.on('notification:new', ({ notification, unreadCount }) => {
    setRecent((current) => [notification, ...current.filter((item) => item.id !== notification.id)].slice(0, RECENT_LIMIT));
    setUnread(unreadCount);
  });
  socket.on('notification:read', ({ ids, unreadCount }) => {
    markLocally(ids);
    setUnread(unreadCount);
  });
}

function markLocally(ids: string[] | 'all'): void {
  const readAt = new Date().toISOString();
  setRecent((current) => current.map((item) => (item.readAt === null && (ids === 'all' || ids.includes(item.id)) ? { ...item, readAt } : item)));
}
