import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../api/api-error.js';
import { fetchFollowState, setFollowing } from '../api/notifications.js';
import { sessionKey } from '../session/session.js';
import { createQuery } from '../state/query.js';

/** Follows or unfollows a project; followers are notified when a dataset in it is published. */
export function FollowButton(props: { projectId: string }) {
  const state = createQuery(() => {
    const key = sessionKey();
    return key && key !== 'visitor' ? `${key}:${props.projectId}` : false;
  }, () => fetchFollowState(props.projectId));
  const [override, setOverride] = createSignal<boolean | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const following = () => override() ?? state.data()?.following ?? false;

  const toggle = async () => {
    setError(null);
    try {
      setOverride((await setFollowing(props.projectId, !following())).following);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <Show when={state.data()}>
      <span class="follow">
        <button type="button" class="button button--small" aria-pressed={following()} onClick={() => void toggle()}>
          {following() ? 'Following' : 'Follow'}
        </button>
        <span class="muted small">{following() ? 'You are told when a dataset here is published.' : 'Get told when a dataset here is published.'}</span>
        <Show when={error()}>{(message) => <span class="form__error">{message()}</span>}</Show>
      </span>
    </Show>
  );
}
