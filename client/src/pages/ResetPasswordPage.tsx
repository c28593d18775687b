import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { postPasswordReset, postPasswordResetConfirm } from '../api/account.js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { FormField } from '../components/FormField.js';
import { usePageTitle } from '../components/page-title.js';
import { takeTokenFromLink } from '../components/token-from-link.js';

/**
 * Without a token, requests the address to send a reset link to. Opened from that link (the
 * token is in the URL fragment), it requests the new password.
 */
export function ResetPasswordPage() {
  usePageTitle(() => 'Reset your password');
  const token = takeTokenFromLink();
  const [value, setValue] = createSignal('');
  const [error, setError] = createSignal<unknown>(null);
  const [done, setDone] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const fieldMessage = (name: string) => (error() instanceof ApiError ? (error() as ApiError).fieldMessage(name) : undefined);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (token) {
        await postPasswordResetConfirm(token, value());
        setDone('Your password was changed and you were signed out everywhere. Sign in with the new password.');
      } else {
        setDone(await postPasswordReset(value().trim()));
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow stack">
      <h1>{token ? 'Choose a new password' : 'Reset your password'}</h1>
      <Show
        when={done()}
        fallback={
          <form class="form card" onSubmit={(event) => void onSubmit(event)} novalidate>
            <Show when={error()}>
              <p class="notice notice--error" role="alert">
                {errorMessage(error())}
              </p>
            </Show>
            <Show
              when={token}
              fallback={
                <FormField label="Email address" hint="We send a link to choose a new password if an account uses this address." error={fieldMessage('email')}>
                  <input type="email" name="email" autocomplete="email" required value={value()} onInput={(event) => setValue(event.currentTarget.value)} />
                </FormField>
              }
            >
              <FormField label="New password" hint="At least 10 characters." error={fieldMessage('password')}>
                <input type="password" name="password" autocomplete="new-password" required minlength="10" value={value()} onInput={(event) => setValue(event.currentTarget.value)} />
              </FormField>
            </Show>
            <div class="form__actions">
              <button type="submit" class="button button--primary" disabled={busy()}>
                {token ? 'Change password' : 'Send link'}
              </button>
            </div>
          </form>
        }
      >
        {(message) => (
          <>
            <p class="notice" role="status">
              {message()}
            </p>
            <p>
              <A href="/sign-in">Sign in</A>
            </p>
          </>
        )}
      </Show>
    </section>
  );
}
