import type { Dataset } from '../../../common/api/datasets.js';
import type { FollowState, NotificationPage, NotificationPreferences } from '../../../common/api/notifications.js';
import { apiRequest } from './http.js';

/** Reads a page of the signed-in user's notifications, newest first, with the unread count. */
export function fetchNotifications(options: { limit?: number; cursor?: string | null; unread?: boolean } = {}): Promise<NotificationPage> {
  return apiRequest<NotificationPage>('/notifications', {
    query: { limit: options.limit ?? 20, cursor: options.cursor ?? null, unread: options.unread ? 'true' : null },
  });
}

export function markNotificationRead(notificationId: string): Promise<{ unreadCount: number }> {
  return apiRequest(`/notifications/${encodeURIComponent(notificationId)}/read`, { method: 'POST', body: {} });
}

export function markAllNotificationsRead(): Promise<{ unreadCount: number }> {
  return apiRequest('/notifications/read-all', { method: 'POST', body: {} });
}

export function fetchNotificationPreferences(): Promise<NotificationPreferences> {
  return apiRequest<NotificationPreferences>('/notifications/preferences');
}

export function updateNotificationPreferences(changes: Partial<NotificationPreferences>): Promise<NotificationPreferences> {
  return apiRequest<NotificationPreferences>('/notifications/preferences', { method: 'PATCH', body: changes });
}

export function fetchFollowState(projectId: string): Promise<FollowState> {
  return apiRequest<FollowState>(`/projects/${encodeURIComponent(projectId)}/follow`);
}

export function setFollowing(projectId: string, following: boolean): Promise<FollowState> {
  return apiRequest<FollowState>(`/projects/${encodeURIComponent(projectId)}/follow`, { method: following ? 'PUT' : 'DELETE' });
}

export function publishDataset(datasetId: string): Promise<Dataset> {
  return apiRequest<Dataset>(`/datasets/${encodeURIComponent(datasetId)}/publish`, { method: 'POST', body: {} });
}
