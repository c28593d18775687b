import { useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { usePageTitle } from '../components/page-title.js';
import { signIn } from '../session/session.js';

/** Returns the in-portal path to go to after signing in; anything else (another origin) falls back to the home page. */
function safeNextPath(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

/** Shows the sign-in form and, after signing in, returns to the page the visitor came from. */
export function SignInPage() {
  usePageTitle(() => 'Sign in');
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);

  const fieldMessage = (name: string) => {
    const current = error();
    return current instanceof ApiError ? current.fieldMessage(name) : undefined;
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email().trim(), password());
      navigate(safeNextPath(searchParams.next), { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow stack">
      <h1>Sign in</h1>
      <p class="muted">Sign in to create projects and datasets and to upload data. Reading public datasets needs no account.</p>
      <form class="form card" onSubmit={(event) => void onSubmit(event)} novalidate>
        <Show when={error()}>
          <p class="notice notice--error" role="alert">
            {errorMessage(error())}
          </p>
        </Show>
        <label class="form__field">
          <span>Email address</span>
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email()}
            onInput={(event) => setEmail(event.currentTarget.value)}
            aria-invalid={fieldMessage('email') ? 'true' : undefined}
          />
          <Show when={fieldMessage('email')}>{(message) => <span class="form__error">{message()}</span>}</Show>
        </label>
        <label class="form__field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password()}
            onInput={(event) => setPassword(event.currentTarget.value)}
            aria-invalid={fieldMessage('password') ? 'true' : undefined}
          />
          <Show when={fieldMessage('password')}>{(message) => <span class="form__error">{message()}</span>}</Show>
        </label>
        <div class="form__actions">
          <button type="submit" class="button button--primary" disabled={busy()}>
            {busy() ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </section>
  );
}
