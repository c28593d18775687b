import { A, useLocation, useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../api/api-error.js';
import { currentUser, isSessionChecked, signOut } from '../session/session.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import { NotificationBell } from './NotificationBell.js';

/** Shows the portal header: name, navigation, the connection state and the account controls. */
export function Header() {
  const navigate = useNavigate();
  const location = useLocation();
  const [signOutError, setSignOutError] = createSignal<string | null>(null);

  const onSignOut = async () => {
    setSignOutError(null);
    try {
      await signOut();
      navigate('/');
    } catch (error) {
      setSignOutError(errorMessage(error));
    }
  };

  const signInHref = () => {
    const currentPath = `${location.pathname}${location.search}`;
    return currentPath === '/' || currentPath.startsWith('/sign-in') ? '/sign-in' : `/sign-in?next=${encodeURIComponent(currentPath)}`;
  };

  return (
    <header class="site-header">
      <div class="site-header__inner">
        <A href="/" class="brand" end>
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Fairport</span>
        </A>
        <nav aria-label="Main">
          <A href="/" end activeClass="is-active">
            Projects
          </A>
          <Show when={currentUser()?.role === 'admin'}>
            <A href="/admin/audit-log" activeClass="is-active">
              Audit log
            </A>
            <A href="/admin/notices" activeClass="is-active">
              Notices
            </A>
          </Show>
        </nav>
        <div class="site-header__end">
          <ConnectionIndicator />
          <Show when={isSessionChecked()}>
            <Show
              when={currentUser()}
              fallback={
                <A href={signInHref()} class="button button--small">
                  Sign in
                </A>
              }
            >
              {(user) => (
                <span class="account">
                  <NotificationBell />
                  <A href="/account" class="account__name" title={user().email ?? user().orcid ?? undefined}>
                    {user().displayName}
                  </A>
                  <button type="button" class="button button--small button--quiet" onClick={() => void onSignOut()}>
                    Sign out
                  </button>
                </span>
              )}
            </Show>
          </Show>
        </div>
      </div>
      <Show when={signOutError()}>
        {(message) => (
          <p class="notice notice--error site-header__error" role="alert">
            Sign-out failed: {message()}
          </p>
        )}
      </Show>
    </header>
  );
}
