import type { LiveNotice, NoticeLevel } from '../../../common/api/notices.js';
import type { NoticeRemoval, NoticeSnapshot } from '../../../common/events.js';

/**
 * The page's notice state: the copies it received, the ids the user dismissed, and
 * the version at which each notice was removed. A removal can overtake a snapshot that was read
 * before it, so a copy whose version is not above its removal's is not shown again.
 */
export interface NoticeState {
  notices: ReadonlyMap<string, LiveNotice>;
  dismissed: ReadonlySet<string>;
  removedAt: ReadonlyMap<string, number>;
}

export const EMPTY_NOTICE_STATE: NoticeState = { notices: new Map(), dismissed: new Set(), removedAt: new Map() };

/** Replaces the shown notices with the server's list at connect, keeping removals and local dismissals. */
export function applySnapshot(state: NoticeState, snapshot: NoticeSnapshot): NoticeState {
  const notices = new Map<string, LiveNotice>();
  for (const notice of snapshot.notices) {
    if (isNewer(state, notice)) notices.set(notice.id, notice);
  }
  return { ...state, notices, dismissed: new Set([...state.dismissed, ...snapshot.dismissedIds]) };
}

/** Adds a notice, or replaces an older copy of it. */
export function applyUpsert(state: NoticeState, notice: LiveNotice): NoticeState {
  const current = state.notices.get(notice.id);
  if (current && current.version > notice.version) return state;
  if (!isNewer(state, notice)) return state;
  const notices = new Map(state.notices);
  notices.set(notice.id, notice);
  return { ...state, notices };
}

/** Removes a notice and remembers the version it was removed at. */
export function applyRemoval(state: NoticeState, removal: NoticeRemoval): NoticeState {
  const notices = new Map(state.notices);
  const current = notices.get(removal.id);
  if (current && current.version > removal.version) return state;
  notices.delete(removal.id);
  const removedAt = new Map(state.removedAt);
  removedAt.set(removal.id, Math.max(removal.version, removedAt.get(removal.id) ?? 0));
  return { ...state, notices, removedAt };
}

/** Marks a notice dismissed, here or on another of the user's devices. */
export function applyDismissal(state: NoticeState, noticeId: string): NoticeState {
  return { ...state, dismissed: new Set([...state.dismissed, noticeId]) };
}

const LEVEL_ORDER: Record<NoticeLevel, number> = { maintenance: 0, critical: 1, warning: 2, info: 3 };

/**
 * Returns the notices to show at `now`, most severe first: started, not ended, and not dismissed unless
 * the notice cannot be dismissed (an edit may have made it so). Ending by the local clock hides
 * an expired notice even when the end event is late.
 */
export function visibleNotices(state: NoticeState, now: number): LiveNotice[] {
  return [...state.notices.values()]
    .filter((notice) => Date.parse(notice.startsAt) <= now)
    .filter((notice) => notice.endsAt === null || Date.parse(notice.endsAt) > now)
    .filter((notice) => !(notice.dismissible && state.dismissed.has(notice.id)))
    .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || Date.parse(b.startsAt) - Date.parse(a.startsAt));
}

function isNewer(state: NoticeState, notice: LiveNotice): boolean {
  const removed = state.removedAt.get(notice.id);
  return removed === undefined || notice.version > removed;
}
