import type { LiveNotice, Notice, NoticeAudience, NoticeLevel, NoticeStatus } from '../../common/api/notices.js';
import type { PortalRole } from '../../common/api/users.js';
import { rooms } from '../../common/events.js';
import { iso, isoOrNull } from '../domain/timestamps.js';

/** A row of the `notices` table as knex returns it (camelCase columns). */
export interface NoticeRow {
  id: string;
  level: NoticeLevel;
  title: string;
  bodyMarkdown: string;
  bodyHtml: string;
  audienceType: NoticeAudience['type'];
  audienceProjectId: string | null;
  audienceRole: PortalRole | null;
  startsAt: Date;
  endsAt: Date | null;
  dismissible: boolean;
  readOnly: boolean;
  readOnlyFrom: Date | null;
  version: number;
  createdBy: string | null;
  updatedBy: string | null;
  withdrawnAt: Date | null;
  withdrawnBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Returns the audience of a stored notice. */
export function audienceOf(row: Pick<NoticeRow, 'audienceType' | 'audienceProjectId' | 'audienceRole'>): NoticeAudience {
  if (row.audienceType === 'project') return { type: 'project', projectId: row.audienceProjectId! };
  if (row.audienceType === 'role') return { type: 'role', role: row.audienceRole! };
  return { type: 'everyone' };
}

/** Converts an audience to table columns. */
export function audienceColumns(audience: NoticeAudience): Pick<NoticeRow, 'audienceType' | 'audienceProjectId' | 'audienceRole'> {
  return {
    audienceType: audience.type,
    audienceProjectId: audience.type === 'project' ? audience.projectId : null,
    audienceRole: audience.type === 'role' ? audience.role : null,
  };
}

/** Returns the Socket.IO room of a notice's audience. */
export function audienceRoom(audience: NoticeAudience): string {
  switch (audience.type) {
    case 'everyone':
      return rooms.everyone;
    case 'project':
      return rooms.project(audience.projectId);
    case 'role':
      return rooms.role(audience.role);
  }
}

/** Checks whether the notice is shown at `now`: started, not expired and not withdrawn. */
export function isActive(row: Pick<NoticeRow, 'startsAt' | 'endsAt' | 'withdrawnAt'>, now: Date): boolean {
  return statusAt(row, now) === 'active';
}

/** Computes the status of a notice at `now`. */
export function statusAt(row: Pick<NoticeRow, 'startsAt' | 'endsAt' | 'withdrawnAt'>, now: Date): NoticeStatus {
  if (row.withdrawnAt) return 'withdrawn';
  if (row.startsAt.getTime() > now.getTime()) return 'scheduled';
  if (row.endsAt && row.endsAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Converts a row to the notice as admins read it. */
export function toNoticeDto(row: NoticeRow, now: Date = new Date()): Notice {
  return {
    id: row.id,
    level: row.level,
    title: row.title,
    bodyMarkdown: row.bodyMarkdown,
    bodyHtml: row.bodyHtml,
    audience: audienceOf(row),
    startsAt: iso(row.startsAt),
    endsAt: isoOrNull(row.endsAt),
    dismissible: row.dismissible,
    readOnly: row.readOnly,
    readOnlyFrom: isoOrNull(row.readOnlyFrom),
    status: statusAt(row, now),
    version: row.version,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    withdrawnAt: isoOrNull(row.withdrawnAt),
  };
}

/** Converts a row to the notice as its audience receives it: the sanitised HTML, not the Markdown source. */
export function toLiveNotice(row: NoticeRow): LiveNotice {
  return {
    id: row.id,
    level: row.level,
    title: row.title,
    html: row.bodyHtml,
    startsAt: iso(row.startsAt),
    endsAt: isoOrNull(row.endsAt),
    dismissible: row.dismissible,
    readOnly: row.readOnly,
    readOnlyFrom: isoOrNull(row.readOnlyFrom),
    version: row.version,
  };
}
