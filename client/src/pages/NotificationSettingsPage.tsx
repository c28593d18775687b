import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import type { NotificationPreferences } from '../../../common/api/notifications.js';
import { errorMessage } from '../api/api-error.js';
import { fetchNotificationPreferences, updateNotificationPreferences } from '../api/notifications.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { usePageTitle } from '../components/page-title.js';
import { currentUser, sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

const OPTIONS: { key: keyof NotificationPreferences; label: string; hint: string }[] = [
  { key: 'emailImports', label: 'My imports', hint: 'When a file you uploaded has finished loading or has failed.' },
  { key: 'emailMembership', label: 'My project memberships', hint: 'When you are added to a project, your role changes, or you are removed.' },
  { key: 'emailPublications', label: 'Publications in projects I follow', hint: 'When a dataset you may read is published in a project you follow.' },
];

/** Lets the signed-in user choose which events also arrive by email; every event always shows in the app. */
export function NotificationSettingsPage() {
  usePageTitle(() => 'Email settings');
  const preferences = createQuery(sessionKey, () => fetchNotificationPreferences());
  const [saved, setSaved] = createSignal<NotificationPreferences | null>(null);
  const [status, setStatus] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const current = () => saved() ?? preferences.data();

  const onToggle = async (key: keyof NotificationPreferences, value: boolean) => {
    setError(null);
    setStatus('Saving…');
    try {
      setSaved(await updateNotificationPreferences({ [key]: value }));
      setStatus('Saved.');
    } catch (caught) {
      setStatus(null);
      setError(errorMessage(caught));
    }
  };

  return (
    <div class="stack narrow-wide">
      <div class="page-heading">
        <p class="eyebrow">Your account</p>
        <h1>Email settings</h1>
        <p class="muted">Every notification appears in the app. Choose which ones are also sent to {currentUser()?.email ?? 'your email address'}.</p>
      </div>
      <Show when={currentUser()} fallback={<p>Sign in to change your email settings. <A href="/sign-in?next=/settings/notifications">Sign in</A></p>}>
        <Show when={preferences.error()}>
          <ErrorNotice error={preferences.error()} title="Your settings could not be loaded." onRetry={() => void preferences.refetch()} />
        </Show>
        <Show when={current()}>
          {(values) => (
            <form class="card form" onSubmit={(event) => event.preventDefault()} aria-label="Email notifications">
              <fieldset class="checkbox-group">
                <legend>Send me an email about</legend>
                <For each={OPTIONS}>
                  {(option) => (
                    <label class="checkbox">
                      <input type="checkbox" name={option.key} checked={values()[option.key]} onChange={(event) => void onToggle(option.key, event.currentTarget.checked)} />
                      <span>
                        <span class="checkbox__label">{option.label}</span>
                        <span class="form__hint">{option.hint}</span>
                      </span>
                    </label>
                  )}
                </For>
              </fieldset>
              <p class="muted small" role="status">
                {status()}
              </p>
              <Show when={error()}>{(message) => <p class="form__error">{message()}</p>}</Show>
            </form>
          )}
        </Show>
      </Show>
    </div>
  );
}
