import type { AuditAction, AuditEntry } from '../../../common/api/audit.js';
import { apiRequest } from './http.js';

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** Reads a page of the audit log, newest first. */
export function fetchAuditLog(filter: { action?: AuditAction | undefined; cursor?: string | null | undefined }): Promise<AuditPage> {
  return apiRequest<AuditPage>('/admin/audit-log', { query: { action: filter.action, cursor: filter.cursor ?? undefined, limit: 50 } });
}
