import { A, useNavigate } from '@solidjs/router';
import { createSignal, onMount, Show } from 'solid-js';
import { postVerifyEmail } from '../api/account.js';
import { errorMessage } from '../api/api-error.js';
import { usePageTitle } from '../components/page-title.js';
import { takeTokenFromLink } from '../components/token-from-link.js';
import { adoptSignedInUser } from '../session/session.js';

/** Confirms the address with the token from the sign-up email, then opens the account page. */
export function VerifyEmailPage() {
  usePageTitle(() => 'Confirm your email address');
  const navigate = useNavigate();
  const [error, setError] = createSignal<unknown>(null);

  onMount(() => {
    const token = takeTokenFromLink();
    if (!token) {
      setError(new Error('This page needs the link from the confirmation email. Open the link again, or sign up again.'));
      return;
    }
    postVerifyEmail(token).then(
      (user) => {
        adoptSignedInUser(user);
        navigate('/account?welcome=1', { replace: true });
      },
      (caught: unknown) => setError(caught),
    );
  });

  return (
    <section class="narrow stack">
      <h1>Confirm your email address</h1>
      <Show
        when={error()}
        fallback={
          <p class="muted" role="status">
            Confirming…
          </p>
        }
      >
        <p class="notice notice--error" role="alert">
          {errorMessage(error())}
        </p>
        <p>
          <A href="/sign-up">Sign up again</A> or <A href="/sign-in">sign in</A>.
        </p>
      </Show>
    </section>
  );
}
