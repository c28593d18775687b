import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { loadClientConfig } from '../api/client-config.js';
import { createQuery } from '../state/query.js';
import { usePageTitle } from '../components/page-title.js';
import { signIn } from '../session/session.js';

/** Returns the in-portal path to go to after signing in; anything else (another origin) falls back to the home page. */
function safeNextPath(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

/** What went wrong in an ORCID sign-in, by the reason the server put in `?orcid=`. */
const ORCID_PROBLEMS: Record<string, string> = {
  failed: 'ORCID sign-in failed or was cancelled. Try again.',
  expired: 'The ORCID sign-in took too long or was started in another browser. Try again.',
  conflict: 'An account lists this ORCID iD but has not confirmed it. Sign in with your password, then connect ORCID on your account page.',
};

/** Shows the sign-in form and, after signing in, returns to the page the visitor came from. */
export function SignInPage() {
  usePageTitle(() => 'Sign in');
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  const config = createQuery(() => 'config', loadClientConfig);
  const orcidProblem = () => {
    const reason = Array.isArray(searchParams.orcid) ? searchParams.orcid[0] : searchParams.orcid;
    return reason ? (ORCID_PROBLEMS[reason] ?? ORCID_PROBLEMS.failed) : undefined;
  };
  const orcidHref = () => `/api/v1/auth/orcid/start?next=${encodeURIComponent(safeNextPath(searchParams.next))}`;

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
      <Show when={orcidProblem()}>
        {(message) => (
          <p class="notice notice--error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={config.data()?.orcidSignIn}>
        <div class="card stack-small">
          {/* A link, not a form: the redirect to ORCID is a navigation, which the form-action policy would block. */}
          <a class="button button--orcid" href={orcidHref()}>
            <span class="orcid-mark" aria-hidden="true">iD</span> Sign in with ORCID
          </a>
          <p class="muted small">New to Fairport? Signing in with ORCID makes your account and links the records that credit your ORCID iD.</p>
        </div>
      </Show>
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
          <A href="/reset-password">Forgot your password?</A>
        </div>
      </form>
      <Show when={config.data()?.signUpEnabled}>
        <p>
          No account yet? <A href="/sign-up">Sign up</A>
        </p>
      </Show>
    </section>
  );
}
