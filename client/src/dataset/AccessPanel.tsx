import { createSignal, Show } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import { updateDataset } from '../api/datasets.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FormField } from '../components/FormField.js';

type Visibility = Dataset['visibility'];

/** The embargo date as the date input shows it (YYYY-MM-DD, UTC), or empty. */
function dateInputValue(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '';
}

/**
 * Who may see the dataset: visibility, draft or published, and an embargo date until which only
 * its metadata is visible outside the project. Shown to those who may publish.
 */
export function AccessPanel(props: { dataset: Dataset; onChanged: (dataset: Dataset) => void }) {
  const [visibility, setVisibility] = createSignal<Visibility>(props.dataset.visibility);
  const [published, setPublished] = createSignal(props.dataset.state === 'published');
  const [embargo, setEmbargo] = createSignal(dateInputValue(props.dataset.embargoUntil));
  const [error, setError] = createSignal<unknown>(null);
  const [saved, setSaved] = createSignal(false);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const updated = await updateDataset(props.dataset.id, {
        visibility: visibility(),
        state: published() ? 'published' : 'draft',
        embargoUntil: embargo() ? new Date(`${embargo()}T00:00:00Z`).toISOString() : null,
      });
      setSaved(true);
      props.onChanged(updated);
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <form class="form card access-panel" onSubmit={(event) => void onSubmit(event)} aria-labelledby="access-heading">
      <h2 id="access-heading">Access</h2>
      <p class="muted small">
        A draft is visible to project members, curators and admins only. Once published, visibility decides who sees it; until the embargo date,
        people outside the project see its metadata but not its data.
      </p>
      <Show when={error()}>
        <ErrorNotice error={error()} />
      </Show>
      <div class="form__row">
        <FormField label="Visibility">
          <select name="visibility" value={visibility()} onChange={(event) => setVisibility(event.currentTarget.value as Visibility)}>
            <option value="private">Private: project members</option>
            <option value="internal">Internal: every signed-in user</option>
            <option value="public">Public: everyone</option>
          </select>
        </FormField>
        <FormField label="Embargo until" hint="Empty: no embargo.">
          <input name="embargoUntil" type="date" value={embargo()} onInput={(event) => setEmbargo(event.currentTarget.value)} />
        </FormField>
      </div>
      <label class="checkbox">
        <input type="checkbox" name="published" checked={published()} onChange={(event) => setPublished(event.currentTarget.checked)} /> Published
      </label>
      <div class="form__actions">
        <button type="submit" class="button button--primary">
          Save access
        </button>
        <Show when={saved()}>
          <span role="status">Saved.</span>
        </Show>
      </div>
    </form>
  );
}
