import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../../common/api/audit.js';
import { fetchAuditLog } from '../api/audit.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { usePageTitle } from '../components/page-title.js';
import { formatLocalDateTime } from '../format/dates.js';
import { currentUser, sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

/** The audit log for portal admins, newest first, filtered by action, with more loaded on request. */
export function AuditLogPage() {
  usePageTitle(() => 'Audit log');
  const [action, setAction] = createSignal<AuditAction | ''>('');
  const [older, setOlder] = createSignal<AuditEntry[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [moreError, setMoreError] = createSignal<unknown>(null);
  const source = () => {
    const session = sessionKey();
    return session === false ? false : `${session}:${action()}`;
  };
  const page = createQuery(source, () => {
    setOlder([]);
    return fetchAuditLog({ action: action() || undefined }).then((result) => {
      setCursor(result.nextCursor);
      return result;
    });
  });
  const entries = () => [...(page.data()?.items ?? []), ...older()];

  const loadMore = async () => {
    setMoreError(null);
    try {
      const next = await fetchAuditLog({ action: action() || undefined, cursor: cursor() });
      setOlder((current) => [...current, ...next.items]);
      setCursor(next.nextCursor);
    } catch (caught) {
      setMoreError(caught);
    }
  };

  return (
    <div class="stack">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <A href="/">Projects</A>
      </nav>
      <div class="page-heading">
        <p class="eyebrow">Admin</p>
        <h1>Audit log</h1>
      </div>
      <Show when={currentUser()?.role === 'admin'} fallback={<p class="notice">Only portal admins may read the audit log.</p>}>
        <label class="form__field form__field--inline">
          <span>Action</span>
          <select name="action" value={action()} onChange={(event) => setAction(event.currentTarget.value as AuditAction | '')}>
            <option value="">All actions</option>
            <For each={AUDIT_ACTIONS}>{(name) => <option value={name}>{name}</option>}</For>
          </select>
        </label>
        <Show when={page.error()}>
          <ErrorNotice error={page.error()} title="The audit log could not be loaded." onRetry={() => void page.refetch()} />
        </Show>
        <div class="table-scroll">
          <table class="data-table audit-log" aria-label="Audit log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Who</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              <For each={entries()}>
                {(entry) => (
                  <tr>
                    <td>{formatLocalDateTime(entry.createdAt)}</td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>{entry.actor}</td>
                    <td>{entry.targetType ? `${entry.targetType} ${entry.targetId ?? ''}` : ''}</td>
                    <td>
                      <code class="audit-log__details">{Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : ''}</code>
                    </td>
                    <td>{entry.ip ?? ''}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <Show when={moreError()}>
          <ErrorNotice error={moreError()} />
        </Show>
        <Show when={cursor()}>
          <button type="button" class="button" onClick={() => void loadMore()}>
            Load older entries
          </button>
        </Show>
      </Show>
    </div>
  );
}
