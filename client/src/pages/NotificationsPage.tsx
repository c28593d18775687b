import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import type { Notification } from '../../../common/api/notifications.js';
import { errorMessage } from '../api/api-error.js';
import { fetchNotifications } from '../api/notifications.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { NotificationList } from '../components/NotificationBell.js';
import { usePageTitle } from '../components/page-title.js';
import { markAllRead, markRead, recentNotifications, unreadCount } from '../notifications/notification-centre.js';
import { currentUser, sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

/** Shows the notification centre: every notification of the signed-in user, newest first, with "load more". */
export function NotificationsPage() {
  usePageTitle(() => 'Notifications');
  const [older, setOlder] = createSignal<Notification[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const first = createQuery(sessionKey, async () => {
    const page = await fetchNotifications({ limit: 20 });
    setOlder([]);
    setCursor(page.nextCursor);
    return page;
  });

  // The newest come from the live centre, so read marks and new notifications show without a reload.
  const items = () => {
    const live = recentNotifications();
    const seen = new Set(live.map((item) => item.id));
    return [...live, ...(first.data()?.items ?? []).filter((item) => !seen.has(item.id)), ...older().filter((item) => !seen.has(item.id))];
  };

  const loadMore = async () => {
    try {
      const page = await fetchNotifications({ limit: 20, cursor: cursor() });
      setOlder((current) => [...current, ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };
  const run = (action: () => Promise<void>) => void action().catch((caught: unknown) => setError(errorMessage(caught)));

  return (
    <div class="stack narrow-wide">
      <div class="page-heading">
        <p class="eyebrow">Your account</p>
        <h1>Notifications</h1>
      </div>
      <Show when={currentUser()} fallback={<p>Sign in to see your notifications. <A href="/sign-in?next=/notifications">Sign in</A></p>}>
        <div class="toolbar">
          <p class="muted">{unreadCount() === 0 ? 'All read.' : `${unreadCount()} unread.`}</p>
          <button type="button" class="button button--small" disabled={unreadCount() === 0} onClick={() => run(markAllRead)}>
            Mark all as read
          </button>
          <A href="/settings/notifications" class="button button--small button--quiet">
            Email settings
          </A>
        </div>
        <Show when={first.error()}>
          <ErrorNotice error={first.error()} title="Your notifications could not be loaded." onRetry={() => void first.refetch()} />
        </Show>
        <Show when={error()}>{(message) => <p class="notice notice--error">{message()}</p>}</Show>
        <Show when={items().length > 0} fallback={<p class="empty">No notifications yet. You will be told here when your imports finish, your projects change or a project you follow publishes a dataset.</p>}>
          <div class="card card--flush">
            <NotificationList items={items()} onOpen={(item) => (item.readAt ? undefined : run(() => markRead(item.id)))} />
          </div>
        </Show>
        <Show when={cursor()}>
          <button type="button" class="button" onClick={() => void loadMore()}>
            Load older notifications
          </button>
        </Show>
      </Show>
    </div>
  );
}
