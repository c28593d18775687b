import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';
import { PORTAL_ROLES } from './users.js';

export const NOTICE_LEVELS = ['info', 'warning', 'critical', 'maintenance'] as const;
export type NoticeLevel = (typeof NOTICE_LEVELS)[number];

/** Life-cycle stage of a notice, computed from its schedule and withdrawal at the time of reading. */
export const NOTICE_STATUSES = ['scheduled', 'active', 'expired', 'withdrawn'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** Audience of a notice: everyone (visitors too), the members of one project, or the users of one portal role. */
export const noticeAudience = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('everyone') }),
    z.object({ type: z.literal('project'), projectId: uuid }),
    z.object({ type: z.literal('role'), role: z.enum(PORTAL_ROLES) }),
  ])
  .meta({ id: 'NoticeAudience' });
export type NoticeAudience = z.infer<typeof noticeAudience>;

const noticeFields = {
  level: z.enum(NOTICE_LEVELS),
  title: z.string().trim().min(1).max(200),
  bodyMarkdown: z.string().max(20_000).meta({ description: 'Markdown; raw HTML is shown as text and links may only use http, https or mailto.' }),
  audience: noticeAudience,
  startsAt: isoDateTime.meta({ description: 'When the notice appears; omit it on creation to start now.' }),
  endsAt: isoDateTime.nullable().meta({ description: 'When the notice disappears; null keeps it until it is withdrawn.' }),
  dismissible: z.boolean(),
  readOnly: z.boolean().meta({ description: 'Maintenance only: the portal rejects writes from readOnlyFrom until endsAt.' }),
  readOnlyFrom: isoDateTime.nullable().meta({ description: 'Start of the read-only window; null means startsAt.' }),
};

/** The properties of a notice as an admin writes them, before the schedule is checked. */
export interface NoticeDraft {
  level: NoticeLevel;
  startsAt: string;
  endsAt: string | null;
  dismissible: boolean;
  readOnly: boolean;
  readOnlyFrom: string | null;
}

/**
 * Lists what is wrong with a notice's schedule and read-only switch. Shared by the server (on the
 * merged result of a create or an edit) and the admin form, so both report the same rules.
 */
export function noticeDraftIssues(draft: NoticeDraft): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  const starts = Date.parse(draft.startsAt);
  if (draft.endsAt !== null && Date.parse(draft.endsAt) <= starts) {
    issues.push({ field: 'endsAt', message: 'endsAt must be after startsAt' });
  }
  if (!draft.readOnly) return issues;

  if (draft.level !== 'maintenance') {
    issues.push({ field: 'readOnly', message: 'only a maintenance notice can switch the portal to read-only' });
  }
  if (draft.dismissible) {
    issues.push({ field: 'dismissible', message: 'a read-only notice cannot be dismissible, because users must see why their changes are rejected' });
  }
  const from = draft.readOnlyFrom === null ? starts : Date.parse(draft.readOnlyFrom);
  if (from < starts) issues.push({ field: 'readOnlyFrom', message: 'readOnlyFrom must not be before startsAt' });
  if (draft.endsAt !== null && from >= Date.parse(draft.endsAt)) {
    issues.push({ field: 'readOnlyFrom', message: 'readOnlyFrom must be before endsAt' });
  }
  return issues;
}

export const noticeCreate = z
  .object({
    level: noticeFields.level,
    title: noticeFields.title,
    bodyMarkdown: noticeFields.bodyMarkdown.default(''),
    audience: noticeFields.audience.default({ type: 'everyone' }),
    startsAt: noticeFields.startsAt.optional(),
    endsAt: noticeFields.endsAt.default(null),
    dismissible: noticeFields.dismissible.default(true),
    readOnly: noticeFields.readOnly.default(false),
    readOnlyFrom: noticeFields.readOnlyFrom.default(null),
  })
  .meta({ id: 'NoticeCreate' });
export type NoticeCreate = z.input<typeof noticeCreate>;

export const noticeUpdate = z.object(noticeFields).partial().meta({ id: 'NoticeUpdate' });
export type NoticeUpdate = z.infer<typeof noticeUpdate>;

/** A notice as admins see it, with its source and its status now. */
export const notice = z
  .object({
    id: uuid,
    ...noticeFields,
    bodyHtml: z.string().meta({ description: 'The body rendered from Markdown and sanitised.' }),
    status: z.enum(NOTICE_STATUSES),
    version: z.number().int().meta({ description: 'Raised by every edit, so clients keep the newest copy.' }),
    createdBy: uuid.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    withdrawnAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Notice' });
export type Notice = z.infer<typeof notice>;

/** A notice as its audience receives it, live and on connect. */
export const liveNotice = z
  .object({
    id: uuid,
    level: noticeFields.level,
    title: z.string(),
    html: z.string().meta({ description: 'Sanitised HTML of the body.' }),
    startsAt: isoDateTime,
    endsAt: isoDateTime.nullable(),
    dismissible: z.boolean(),
    readOnly: z.boolean(),
    readOnlyFrom: isoDateTime.nullable().meta({ description: 'Start of the read-only window when readOnly is true.' }),
    version: z.number().int(),
  })
  .meta({ id: 'LiveNotice' });
export type LiveNotice = z.infer<typeof liveNotice>;

export const noticeListQuery = z.object({
  status: z.enum(NOTICE_STATUSES).optional().meta({ description: 'Only notices with this status now.' }),
});

export const noticePreviewRequest = z
  .object({
    bodyMarkdown: noticeFields.bodyMarkdown,
    audience: noticeAudience,
  })
  .meta({ id: 'NoticePreviewRequest' });
export type NoticePreviewRequest = z.infer<typeof noticePreviewRequest>;

/** How many accounts an audience covers; visitors who are not signed in cannot be counted. */
export const noticeReach = z
  .object({
    users: z.number().int(),
    includesVisitors: z.boolean().meta({ description: 'True for everyone: visitors who are not signed in see it too.' }),
  })
  .meta({ id: 'NoticeReach' });
export type NoticeReach = z.infer<typeof noticeReach>;

export const noticePreview = z
  .object({ html: z.string(), reach: noticeReach })
  .meta({ id: 'NoticePreview' });
export type NoticePreview = z.infer<typeof noticePreview>;
