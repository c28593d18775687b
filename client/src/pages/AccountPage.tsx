import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import type { ApiTokenCreated } from '../../../common/api/account.js';
import {
  acceptInvitation,
  claimContributor,
  createToken,
  endSession,
  fetchClaimable,
  fetchMyInvitations,
  fetchSessions,
  fetchTokens,
  postSignOutEverywhere,
  revokeToken,
} from '../api/account.js';
import { loadClientConfig } from '../api/client-config.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FormField } from '../components/FormField.js';
import { usePageTitle } from '../components/page-title.js';
import { formatDate } from '../format/dates.js';
import { currentUser, forgetUser, sessionKey } from '../session/session.js';
import { createAction } from '../state/action.js';
import { createQuery } from '../state/query.js';

/** The signed-in user's account: ORCID, API tokens, sessions, invitations and contributor records to claim. */
export function AccountPage() {
  usePageTitle(() => 'Your account');
  const [searchParams] = useSearchParams();
  const config = createQuery(() => 'config', loadClientConfig);

  return (
    <div class="stack">
      <div class="page-heading">
        <p class="eyebrow">Account</p>
        <h1>Your account</h1>
      </div>
      <Show when={searchParams.orcid === 'connected'}>
        <p class="notice" role="status">
          ORCID is connected: your ORCID iD is confirmed.
        </p>
      </Show>
      <Show when={searchParams.orcid === 'conflict' || searchParams.orcid === 'failed'}>
        <p class="notice notice--error" role="alert">
          {searchParams.orcid === 'conflict' ? 'That ORCID iD belongs to another account.' : 'Connecting ORCID failed or was cancelled. Try again.'}
        </p>
      </Show>
      <Show when={currentUser()} fallback={<p>You are not signed in. <A href="/sign-in?next=/account">Sign in</A></p>}>
        {(user) => (
          <>
            <section class="card stack-small" aria-labelledby="profile-heading">
              <h2 id="profile-heading">Profile</h2>
              <dl class="facts">
                <dt>Name</dt>
                <dd>{user().displayName}</dd>
                <dt>Email address</dt>
                <dd>{user().email ?? <span class="muted">None (signed up with ORCID)</span>}</dd>
                <dt>ORCID iD</dt>
                <dd>
                  <Show when={user().orcid} fallback={<span class="muted">Not connected</span>}>
                    {(orcid) => (
                      <>
                        <a href={`https://orcid.org/${orcid()}`} rel="noopener" target="_blank">
                          {orcid()}
                        </a>{' '}
                        <span class="badge">{user().orcidVerified ? 'Confirmed' : 'Not confirmed'}</span>
                      </>
                    )}
                  </Show>
                </dd>
                <dt>Portal role</dt>
                <dd>{user().role}</dd>
              </dl>
              <Show when={config.data()?.orcidSignIn && !user().orcidVerified}>
                <a class="button button--orcid" href="/api/v1/auth/orcid/start?link=true&next=%2Faccount">
                  <span class="orcid-mark" aria-hidden="true">iD</span> Connect ORCID
                </a>
              </Show>
            </section>
            <InvitationsSection />
            <ClaimsSection />
            <TokensSection />
            <SessionsSection />
          </>
        )}
      </Show>
    </div>
  );
}

function InvitationsSection() {
  const invitations = createQuery(sessionKey, fetchMyInvitations);
  const action = createAction();
  const accept = (invitationId: string) =>
    action.run(async () => {
      await acceptInvitation(invitationId);
      await invitations.refetch();
    });
  return (
    <Show when={(invitations.data() ?? []).length > 0}>
      <section class="card stack-small" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">Invitations</h2>
        <Show when={action.error()}>
          <ErrorNotice error={action.error()} />
        </Show>
        <ul class="plain-list stack-small">
          <For each={invitations.data()}>
            {(invitation) => (
              <li>
                <strong>{invitation.projectTitle}</strong> as {invitation.role}
                <Show when={invitation.invitedBy}>{(name) => <span class="muted">, from {name()}</span>}</Show>{' '}
                <button type="button" class="button button--small" onClick={() => void accept(invitation.id)}>
                  Accept
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}

function ClaimsSection() {
  const claimable = createQuery(sessionKey, fetchClaimable);
  const action = createAction();
  const claim = (contributorId: string) =>
    action.run(async () => {
      await claimContributor(contributorId);
      await claimable.refetch();
    });
  return (
    <Show when={(claimable.data() ?? []).length > 0}>
      <section class="card stack-small" aria-labelledby="claims-heading">
        <h2 id="claims-heading">Records that credit your ORCID iD</h2>
        <Show when={action.error()}>
          <ErrorNotice error={action.error()} />
        </Show>
        <ul class="plain-list stack-small">
          <For each={claimable.data()}>
            {(record) => (
              <li>
                {record.name} ({record.roles.join(', ')}){' '}
                <button type="button" class="button button--small" onClick={() => void claim(record.id)}>
                  Claim
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}

function TokensSection() {
  const tokens = createQuery(sessionKey, fetchTokens);
  const [name, setName] = createSignal('');
  const [scope, setScope] = createSignal<'read' | 'write'>('read');
  const [days, setDays] = createSignal(90);
  const [created, setCreated] = createSignal<ApiTokenCreated | null>(null);
  const action = createAction();

  const onCreate = (event: SubmitEvent) => {
    event.preventDefault();
    return action.run(async () => {
      setCreated(await createToken({ name: name().trim(), scope: scope(), expiresInDays: days() }));
      setName('');
      await tokens.refetch();
    });
  };
  const onRevoke = (tokenId: string) =>
    action.run(async () => {
      await revokeToken(tokenId);
      await tokens.refetch();
    });

  return (
    <section class="card stack-small" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p class="muted small">
        Send a token as <code>Authorization: Bearer …</code>. Read tokens may only read; write tokens may also change what your roles allow. No
        token can manage your account.
      </p>
      <Show when={action.error()}>
        <ErrorNotice error={action.error()} />
      </Show>
      <Show when={created()}>
        {(token) => (
          <div class="notice" role="status">
            <p>
              Copy the token <strong>{token().name}</strong> now; it is not shown again:
            </p>
            <code class="secret" data-testid="new-token">
              {token().token}
            </code>
          </div>
        )}
      </Show>
      <form class="form form--inline" onSubmit={(event) => void onCreate(event)} aria-label="New API token">
        <FormField label="Token name">
          <input name="tokenName" required maxlength="100" value={name()} onInput={(event) => setName(event.currentTarget.value)} />
        </FormField>
        <FormField label="Scope">
          <select name="scope" value={scope()} onChange={(event) => setScope(event.currentTarget.value as 'read' | 'write')}>
            <option value="read">Read</option>
            <option value="write">Read and write</option>
          </select>
        </FormField>
        <FormField label="Expires after (days)">
          <input name="days" type="number" min="1" max="3650" value={days()} onInput={(event) => setDays(Number(event.currentTarget.value))} />
        </FormField>
        <div class="form__actions">
          <button type="submit" class="button button--primary" disabled={name().trim() === ''}>
            Create token
          </button>
        </div>
      </form>
      <Show when={(tokens.data() ?? []).length > 0} fallback={<p class="muted">No tokens yet.</p>}>
        <div class="table-scroll">
          <table class="data-table" aria-label="Your API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Scope</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={tokens.data()}>
                {(token) => (
                  <tr>
                    <td>{token.name}</td>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>{token.scope}</td>
                    <td>{token.lastUsedAt ? formatDate(token.lastUsedAt) : 'never'}</td>
                    <td>{formatDate(token.expiresAt)}</td>
                    <td>
                      <Show when={!token.revokedAt} fallback={<span class="badge">Revoked</span>}>
                        <button type="button" class="button button--small button--quiet" onClick={() => void onRevoke(token.id)}>
                          Revoke
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
}

function SessionsSection() {
  const navigate = useNavigate();
  const sessions = createQuery(sessionKey, fetchSessions);
  const action = createAction();

  const onEnd = (sessionId: string, current: boolean) =>
    action.run(async () => {
      await endSession(sessionId);
      if (current) {
        forgetUser();
        navigate('/sign-in');
        return;
      }
      await sessions.refetch();
    });
  const onEverywhere = () =>
    action.run(async () => {
      await postSignOutEverywhere();
      forgetUser();
      navigate('/sign-in');
    });

  return (
    <section class="card stack-small" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      <Show when={action.error()}>
        <ErrorNotice error={action.error()} />
      </Show>
      <ul class="plain-list stack-small">
        <For each={sessions.data()}>
          {(session) => (
            <li>
              <span>{session.userAgent || 'Unknown browser'}</span>
              <span class="muted">
                {' '}
                · signed in {session.signedInAt ? formatDate(session.signedInAt) : 'at an unknown time'}
                {session.ip ? ` from ${session.ip}` : ''}
              </span>{' '}
              <Show when={session.current}>
                <span class="badge">This browser</span>
              </Show>{' '}
              <button type="button" class="button button--small button--quiet" onClick={() => void onEnd(session.id, session.current)}>
                End
              </button>
            </li>
          )}
        </For>
      </ul>
      <div>
        <button type="button" class="button" onClick={() => void onEverywhere()}>
          Sign out everywhere
        </button>
      </div>
    </section>
  );
}
