import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { postSignUp } from '../api/account.js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { FormField } from '../components/FormField.js';
import { usePageTitle } from '../components/page-title.js';

/** Asks for a name, an email address and a password, and sends the confirmation link. */
export function SignUpPage() {
  usePageTitle(() => 'Sign up');
  const [email, setEmail] = createSignal('');
  const [displayName, setDisplayName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<unknown>(null);
  const [sent, setSent] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const fieldMessage = (name: string) => (error() instanceof ApiError ? (error() as ApiError).fieldMessage(name) : undefined);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSent(await postSignUp({ email: email().trim(), displayName: displayName().trim(), password: password() }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow stack">
      <h1>Sign up</h1>
      <Show
        when={sent()}
        fallback={
          <form class="form card" onSubmit={(event) => void onSubmit(event)} novalidate>
            <Show when={error()}>
              <p class="notice notice--error" role="alert">
                {errorMessage(error())}
              </p>
            </Show>
            <FormField label="Name" hint="As it appears to other members, e.g. Ada Lovelace." error={fieldMessage('displayName')}>
              <input name="displayName" autocomplete="name" required maxlength="200" value={displayName()} onInput={(event) => setDisplayName(event.currentTarget.value)} />
            </FormField>
            <FormField label="Email address" hint="We send a link to confirm it; the account exists once you open it." error={fieldMessage('email')}>
              <input type="email" name="email" autocomplete="email" required value={email()} onInput={(event) => setEmail(event.currentTarget.value)} />
            </FormField>
            <FormField label="Password" hint="At least 10 characters." error={fieldMessage('password')}>
              <input type="password" name="password" autocomplete="new-password" required minlength="10" value={password()} onInput={(event) => setPassword(event.currentTarget.value)} />
            </FormField>
            <div class="form__actions">
              <button type="submit" class="button button--primary" disabled={busy()}>
                {busy() ? 'Sending…' : 'Sign up'}
              </button>
              <A href="/sign-in">I have an account</A>
            </div>
          </form>
        }
      >
        {(message) => (
          <p class="notice" role="status">
            {message()}
          </p>
        )}
      </Show>
    </section>
  );
}
