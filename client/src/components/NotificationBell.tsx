import { A } from '@solidjs/router';
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { Notification } from '../../../common/api/notifications.js';
import { errorMessage } from '../api/api-error.js';
import { formatLocalDateTime } from '../format/dates.js';
import {
  clearNotifications,
  loadNotifications,
  markAllRead,
  markRead,
  notificationsLoadError,
  recentNotifications,
  unreadCount,
} from '../notifications/notification-centre.js';
import { getSocket } from '../realtime/socket.js';
import { currentUser } from '../session/session.js';

/**
 * Shows the header's notification bell: the unread count, and a panel with the newest notifications,
 * "mark all as read" and links to the full list and the email settings. Loads on sign-in and
 * again after every reconnect, because events sent while offline are lost.
 */
export function NotificationBell() {
  const [open, setOpen] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let container: HTMLDivElement | undefined;

  createEffect(
    on(
      () => currentUser()?.id,
      (userId) => {
        if (userId) void loadNotifications();
        else clearNotifications();
      },
    ),
  );
  const socket = getSocket();
  const reload = () => {
    if (currentUser()) void loadNotifications();
  };
  socket.on('connect', reload);
  const closeOnOutsideClick = (event: MouseEvent) => {
    if (container && !container.contains(event.target as Node)) setOpen(false);
  };
  document.addEventListener('click', closeOnOutsideClick);
  onCleanup(() => {
    socket.off('connect', reload);
    document.removeEventListener('click', closeOnOutsideClick);
  });

  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <div class="bell" ref={container}>
      <button
        type="button"
        class="button button--small button--quiet bell__button"
        aria-expanded={open()}
        aria-controls="notification-panel"
        onClick={() => setOpen((value) => !value)}
      >
        <svg class="bell__icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
        </svg>
        <span class="visually-hidden">Notifications</span>
        <Show when={unreadCount() > 0}>
          <span class="bell__count" data-testid="unread-count">
            {unreadCount() > 99 ? '99+' : unreadCount()}
            <span class="visually-hidden"> unread</span>
          </span>
        </Show>
      </button>
      <Show when={open()}>
        <div class="bell__panel" id="notification-panel" role="region" aria-label="Notifications">
          <div class="bell__panel-head">
            <h2>Notifications</h2>
            <button type="button" class="button button--small button--quiet" disabled={unreadCount() === 0} onClick={() => void run(markAllRead)}>
              Mark all as read
            </button>
          </div>
          <Show when={error()}>{(message) => <p class="form__error">{message()}</p>}</Show>
          <Show when={notificationsLoadError()}>
            {(failure) => <p class="form__error">The notifications could not be loaded: {errorMessage(failure())}</p>}
          </Show>
          <Show when={recentNotifications().length > 0} fallback={<p class="muted bell__empty">No notifications yet.</p>}>
            <NotificationList items={recentNotifications()} onOpen={(item) => void run(() => (item.readAt ? Promise.resolve() : markRead(item.id)))} />
          </Show>
          <div class="bell__panel-foot">
            <A href="/notifications" onClick={() => setOpen(false)}>
              All notifications
            </A>
            <A href="/settings/notifications" onClick={() => setOpen(false)}>
              Email settings
            </A>
          </div>
        </div>
      </Show>
    </div>
  );
}

/** Lists notifications; unread ones are marked and opening one marks it read. */
export function NotificationList(props: { items: Notification[]; onOpen: (item: Notification) => void }) {
  return (
    <ul class="notification-list">
      <For each={props.items}>
        {(item) => (
          <li class="notification" data-unread={item.readAt === null ? 'true' : 'false'} data-kind={item.kind}>
            <Show when={item.link} fallback={<p class="notification__title">{item.title}</p>}>
              {(link) => (
                <A class="notification__title" href={link()} onClick={() => props.onOpen(item)}>
                  {item.title}
                </A>
              )}
            </Show>
            <p class="notification__body">{item.body}</p>
            <p class="notification__meta">
              <time dateTime={item.createdAt}>{formatLocalDateTime(item.createdAt)}</time>
              <Show when={item.readAt === null}>
                {' · '}
                <button type="button" class="link-button" onClick={() => props.onOpen(item)}>
                  Mark as read
                </button>
              </Show>
            </p>
          </li>
        )}
      </For>
    </ul>
  );
}
