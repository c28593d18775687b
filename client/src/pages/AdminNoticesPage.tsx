import { A } from '@solidjs/router';
import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import type { Notice, NoticeStatus } from '../../../common/api/notices.js';
import { errorMessage } from '../api/api-error.js';
import { fetchNotices, withdrawNotice } from '../api/notices.js';
import { fetchProjects } from '../api/projects.js';
import { NoticeForm } from '../admin/NoticeForm.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { usePageTitle } from '../components/page-title.js';
import { formatLocalDateTime } from '../format/dates.js';
import { getSocket } from '../realtime/socket.js';
import { currentUser, isSessionChecked, sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

const STATUS_LABELS: Record<NoticeStatus, string> = { active: 'Active', scheduled: 'Scheduled', expired: 'Ended', withdrawn: 'Withdrawn' };
const AUDIENCE_ROLE_LABELS = { admin: 'Admins', curator: 'Curators', member: 'Members' } as const;

/** Shows the admin page for notices: the form with preview and reach, and the active, scheduled and past notices with edit and withdraw. */
export function AdminNoticesPage() {
  usePageTitle(() => 'Notices');
  const isAdmin = () => currentUser()?.role === 'admin';
  const adminKey = () => (isAdmin() ? sessionKey() : false);
  const notices = createQuery(adminKey, () => fetchNotices());
  const projects = createQuery(adminKey, () => fetchProjects());
  const [editing, setEditing] = createSignal<Notice | null>(null);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);

  // Scheduled notices start and end while the page is open: read the list again when one does.
  const socket = getSocket();
  const refresh = () => void notices.refetch();
  socket.on('notice:upsert', refresh);
  socket.on('notice:remove', refresh);
  onCleanup(() => {
    socket.off('notice:upsert', refresh);
    socket.off('notice:remove', refresh);
  });

  const grouped = createMemo(() => {
    const all = notices.data() ?? [];
    return {
      active: all.filter((notice) => notice.status === 'active'),
      scheduled: all.filter((notice) => notice.status === 'scheduled').reverse(),
      past: all.filter((notice) => notice.status === 'expired' || notice.status === 'withdrawn'),
    };
  });
  const projectTitle = (projectId: string) => projects.data()?.find((project) => project.id === projectId)?.title ?? 'a project';
  const audienceText = (notice: Notice) => {
    if (notice.audience.type === 'everyone') return 'Everyone';
    if (notice.audience.type === 'role') return AUDIENCE_ROLE_LABELS[notice.audience.role];
    return `Members of ${projectTitle(notice.audience.projectId)}`;
  };

  const onWithdraw = async (notice: Notice) => {
    if (confirming() !== notice.id) {
      setConfirming(notice.id);
      return;
    }
    setConfirming(null);
    setActionError(null);
    try {
      await withdrawNotice(notice.id);
      if (editing()?.id === notice.id) setEditing(null);
      await notices.refetch();
    } catch (caught) {
      setActionError(errorMessage(caught));
    }
  };

  const table = (title: string, items: Notice[], empty: string) => (
    <section class="stack-small" aria-label={title}>
      <h2>{title}</h2>
      <Show when={items.length > 0} fallback={<p class="muted">{empty}</p>}>
        <div class="table-scroll">
          <table class="notices-table">
            <thead>
              <tr>
                <th scope="col">Notice</th>
                <th scope="col">Audience</th>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={items}>
                {(notice) => (
                  <tr data-notice-id={notice.id}>
                    <td>
                      <span class="notice-level" data-level={notice.level}>
                        {notice.level}
                      </span>{' '}
                      {notice.title}
                      <Show when={notice.readOnly}>
                        <span class="badge">Read-only</span>
                      </Show>
                    </td>
                    <td>{audienceText(notice)}</td>
                    <td>{formatLocalDateTime(notice.startsAt)}</td>
                    <td>{notice.endsAt ? formatLocalDateTime(notice.endsAt) : <span class="muted">Until withdrawn</span>}</td>
                    <td>
                      <span class="badge" data-status={notice.status}>
                        {STATUS_LABELS[notice.status]}
                      </span>
                    </td>
                    <td class="notices-table__actions">
                      <Show when={notice.status === 'active' || notice.status === 'scheduled'}>
                        <button type="button" class="button button--small" onClick={() => setEditing(notice)}>
                          Edit
                        </button>
                        <button type="button" class="button button--small button--danger" onClick={() => void onWithdraw(notice)}>
                          {confirming() === notice.id ? 'Confirm withdrawal' : 'Withdraw'}
                        </button>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );

  return (
    <div class="stack">
      <div class="page-heading">
        <p class="eyebrow">Administration</p>
        <h1>Notices</h1>
        <p class="muted">Tell users about maintenance, incidents, new features or calls for data. Notices appear at once in every open browser.</p>
      </div>
      <Show when={isSessionChecked()}>
        <Show when={isAdmin()} fallback={<p class="notice">Only portal admins can manage notices. <A href="/sign-in?next=/admin/notices">Sign in as an admin</A></p>}>
          <NoticeForm
            projects={projects.data() ?? []}
            editing={editing()}
            onSaved={() => {
              setEditing(null);
              void notices.refetch();
            }}
            onCancelEdit={() => setEditing(null)}
          />
          <Show when={actionError()}>{(message) => <p class="notice notice--error" role="alert">{message()}</p>}</Show>
          <Show when={notices.error()}>
            <ErrorNotice error={notices.error()} title="The notices could not be loaded." onRetry={() => void notices.refetch()} />
          </Show>
          <Show when={notices.data()}>
            {table('Active', grouped().active, 'No notice is shown right now.')}
            {table('Scheduled', grouped().scheduled, 'Nothing is scheduled.')}
            {table('Past', grouped().past, 'No notice has ended yet.')}
          </Show>
        </Show>
      </Show>
    </div>
  );
}
