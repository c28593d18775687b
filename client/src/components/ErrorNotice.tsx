import { Show } from 'solid-js';
import { errorMessage } from '../api/api-error.js';

/** Shows an error in plain words, with an optional retry button. */
export function ErrorNotice(props: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <div class="notice notice--error" role="alert">
      <Show when={props.title}>
        <strong>{props.title} </strong>
      </Show>
      <span>{errorMessage(props.error)}</span>
      <Show when={props.onRetry}>
        {(retry) => (
          <button type="button" class="button button--small" onClick={() => retry()()}>
            Try again
          </button>
        )}
      </Show>
    </div>
  );
}
