import { createSignal } from 'solid-js';
import { dismissNotice } from '../api/notices.js';
import { getSocket } from '../realtime/socket.js';
import { applyDismissal, applyRemoval, applySnapshot, applyUpsert, EMPTY_NOTICE_STATE, type NoticeState } from './notice-state.js';

const [state, setState] = createSignal<NoticeState>(EMPTY_NOTICE_STATE);
const [now, setNow] = createSignal(Date.now());

/** The page's notice state, fed by the socket. */
export const noticeState = state;

/** The browser's clock, ticking every second, so banners end and countdowns run without events. */
export const clock = now;

let started = false;

/**
 * Listens for notices on the page's socket: the snapshot after every (re)connect, then starts,
 * edits, removals and dismissals from the user's other devices. Call once at start-up.
 */
export function startLiveNotices(): void {
  if (started) return;
  started = true;

  const socket = getSocket();
  socket.on('notice:active', (snapshot) => setState((current) => applySnapshot(current, snapshot)));
  socket.on('notice:upsert', (notice) => setState((current) => applyUpsert(current, notice)));
  socket.on('notice:remove', (removal) => setState((current) => applyRemoval(current, removal)));
  socket.on('notice:dismissed', ({ id }) => setState((current) => applyDismissal(current, id)));
  setInterval(() => setNow(Date.now()), 1000);
}

/**
 * Hides a notice at once and records the dismissal, so it stays hidden on the user's other
 * devices. A visitor's dismissal lasts for this page only, because visitors have no account to keep it.
 */
export async function dismiss(noticeId: string, signedIn: boolean): Promise<void> {
  setState((current) => applyDismissal(current, noticeId));
  if (signedIn) await dismissNotice(noticeId);
}
