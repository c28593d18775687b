import { createSignal, Show } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import { errorMessage } from '../api/api-error.js';
import { publishDataset } from '../api/notifications.js';

/**
 * Publishes a draft dataset after a second click to confirm. The server allows it to project
 * owners and managers and notifies the project's followers; the caller reloads the dataset.
 */
export function PublishButton(props: { dataset: Dataset; onPublished: () => void }) {
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const onClick = async () => {
    if (!confirming()) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await publishDataset(props.dataset.id);
      props.onPublished();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <Show when={props.dataset.state === 'draft'}>
      <span class="publish">
        <button type="button" class="button button--small button--primary" disabled={busy()} onClick={() => void onClick()}>
          {confirming() ? 'Confirm: publish this dataset' : 'Publish'}
        </button>
        <Show when={error()}>{(message) => <span class="form__error">{message()}</span>}</Show>
      </span>
    </Show>
  );
}
