import type { Notice, NoticeAudience, NoticeCreate, NoticeLevel } from '../../../common/api/notices.js';
import type { PortalRole } from '../../../common/api/users.js';
import { fromLocalInput, toLocalInput } from '../format/local-datetime.js';

/** The admin form's values, as its inputs hold them. */
export interface NoticeFormValues {
  level: NoticeLevel;
  title: string;
  bodyMarkdown: string;
  audienceType: NoticeAudience['type'];
  projectId: string;
  role: PortalRole;
  /** True starts the notice when it is saved; false uses startsAt. */
  startNow: boolean;
  startsAt: string;
  endsAt: string;
  dismissible: boolean;
  readOnly: boolean;
  readOnlyFrom: string;
}

export const EMPTY_FORM: NoticeFormValues = {
  level: 'info',
  title: '',
  bodyMarkdown: '',
  audienceType: 'everyone',
  projectId: '',
  role: 'member',
  startNow: true,
  startsAt: '',
  endsAt: '',
  dismissible: true,
  readOnly: false,
  readOnlyFrom: '',
};

/** Returns the audience the form describes, or null while a project audience has no project chosen. */
export function audienceOf(values: NoticeFormValues): NoticeAudience | null {
  if (values.audienceType === 'project') return values.projectId ? { type: 'project', projectId: values.projectId } : null;
  if (values.audienceType === 'role') return { type: 'role', role: values.role };
  return { type: 'everyone' };
}

/** Builds the request body of the form; a start "now" is left to the server's clock. */
export function toRequest(values: NoticeFormValues): NoticeCreate {
  const audience = audienceOf(values) ?? { type: 'everyone' };
  const startsAt = values.startNow ? null : fromLocalInput(values.startsAt);
  return {
    level: values.level,
    title: values.title.trim(),
    bodyMarkdown: values.bodyMarkdown,
    audience,
    ...(startsAt ? { startsAt } : {}),
    endsAt: fromLocalInput(values.endsAt),
    dismissible: values.readOnly ? false : values.dismissible,
    readOnly: values.level === 'maintenance' && values.readOnly,
    readOnlyFrom: values.level === 'maintenance' && values.readOnly ? fromLocalInput(values.readOnlyFrom) : null,
  };
}

/** Fills the form from a stored notice, for editing. */
export function fromNotice(notice: Notice): NoticeFormValues {
  return {
    level: notice.level,
    title: notice.title,
    bodyMarkdown: notice.bodyMarkdown,
    audienceType: notice.audience.type,
    projectId: notice.audience.type === 'project' ? notice.audience.projectId : '',
    role: notice.audience.type === 'role' ? notice.audience.role : 'member',
    startNow: false,
    startsAt: toLocalInput(notice.startsAt),
    endsAt: toLocalInput(notice.endsAt),
    dismissible: notice.dismissible,
    readOnly: notice.readOnly,
    readOnlyFrom: notice.readOnlyFrom && notice.readOnlyFrom !== notice.startsAt ? toLocalInput(notice.readOnlyFrom) : '',
  };
}
