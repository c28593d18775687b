import type { Notice, NoticeCreate, NoticePreview, NoticePreviewRequest, NoticeStatus, NoticeUpdate } from '../../../common/api/notices.js';
import { apiRequest } from './http.js';
import { fetchAllPages } from './page.js';

/** Lists notices for the admin page, latest start first, optionally with one status only. */
export function fetchNotices(status?: NoticeStatus): Promise<Notice[]> {
  return fetchAllPages<Notice>('/notices', status ? { status } : {});
}

export function createNotice(body: NoticeCreate): Promise<Notice> {
  return apiRequest<Notice>('/notices', { method: 'POST', body });
}

export function updateNotice(noticeId: string, body: NoticeUpdate): Promise<Notice> {
  return apiRequest<Notice>(`/notices/${encodeURIComponent(noticeId)}`, { method: 'PATCH', body });
}

export function withdrawNotice(noticeId: string): Promise<Notice> {
  return apiRequest<Notice>(`/notices/${encodeURIComponent(noticeId)}/withdraw`, { method: 'POST', body: {} });
}

/** Renders a body on the server, the only place notices are sanitised, and counts the audience. */
export function previewNotice(body: NoticePreviewRequest, signal?: AbortSignal): Promise<NoticePreview> {
  return apiRequest<NoticePreview>('/notices/preview', { method: 'POST', body, ...(signal ? { signal } : {}) });
}

export function dismissNotice(noticeId: string): Promise<void> {
  return apiRequest<void>(`/notices/${encodeURIComponent(noticeId)}/dismiss`, { method: 'POST', body: {} });
}
