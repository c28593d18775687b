import { Show } from 'solid-js';
import { errorMessage, isRetryable } from '../api/api-error.js';

/**
 * Shows an error in plain words. A "Try again" button calls `onRetry`, and shows only when a
 * retry may help, so not for a 404 Not Found, which a retry would get again.
 */
export function ErrorNotice(props: { error: unknown; title?: string; onRetry?: () => void }) {
  const retry = () => (isRetryable(props.error) ? props.onRetry : undefined);
  return (
    <div class="notice notice--error" role="alert">
      <Show when={props.title}>
        <strong>{props.title} </strong>
      </Show>
      <span>{errorMessage(props.error)}</span>
      <Show when={retry()}>
        {(run) => (
          <button type="button" class="button button--small" onClick={() => run()()}>
            Try again
          </button>
        )}
      </Show>
    </div>
  );
}
