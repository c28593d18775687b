import { useNavigate } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { createDataset } from '../api/datasets.js';
import { parseKeywords } from '../format/keywords.js';
import { FormField } from './FormField.js';

type Visibility = Dataset['visibility'];

const VISIBILITY_OPTIONS: { value: Visibility; label: string }[] = [
  { value: 'private', label: 'Private: project members only' },
  { value: 'internal', label: 'Internal: everyone signed in' },
  { value: 'public', label: 'Public: everyone' },
];

/** Creates a dataset in a project and opens it. */
export function NewDatasetForm(props: { projectId: string }) {
  const navigate = useNavigate();
  const [title, setTitle] = createSignal('');
  const [abstract, setAbstract] = createSignal('');
  const [license, setLicense] = createSignal('CC-BY-4.0');
  const [visibility, setVisibility] = createSignal<Visibility>('private');
  const [keywords, setKeywords] = createSignal('');
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
      const created = await createDataset(props.projectId, {
        title: title().trim(),
        abstract: abstract(),
        license: license().trim() || null,
        visibility: visibility(),
        keywords: parseKeywords(keywords()),
      });
      navigate(`/datasets/${created.id}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={(event) => void onSubmit(event)} aria-labelledby="new-dataset-heading">
      <h2 id="new-dataset-heading">New dataset</h2>
      <Show when={error()}>
        <p class="notice notice--error" role="alert">
          {errorMessage(error())}
        </p>
      </Show>
      <FormField label="Title" error={fieldMessage('title')}>
        <input name="title" required maxlength="500" value={title()} onInput={(event) => setTitle(event.currentTarget.value)} />
      </FormField>
      <FormField label="Abstract" hint="Optional. What the data are, how they were collected." error={fieldMessage('abstract')}>
        <textarea name="abstract" rows="3" value={abstract()} onInput={(event) => setAbstract(event.currentTarget.value)} />
      </FormField>
      <div class="form__row">
        <FormField label="License" hint="An SPDX identifier such as CC-BY-4.0 or CC0-1.0; leave empty for none." error={fieldMessage('license')}>
          <input name="license" value={license()} onInput={(event) => setLicense(event.currentTarget.value)} />
        </FormField>
        <FormField label="Visibility" error={fieldMessage('visibility')}>
          <select name="visibility" value={visibility()} onChange={(event) => setVisibility(event.currentTarget.value as Visibility)}>
            <For each={VISIBILITY_OPTIONS}>{(option) => <option value={option.value}>{option.label}</option>}</For>
          </select>
        </FormField>
      </div>
      <FormField label="Keywords" hint="Optional, separated by commas." error={fieldMessage('keywords')}>
        <input name="keywords" value={keywords()} onInput={(event) => setKeywords(event.currentTarget.value)} />
      </FormField>
      <div class="form__actions">
        <button type="submit" class="button button--primary" disabled={busy() || title().trim() === ''}>
          {busy() ? 'Creating…' : 'Create dataset'}
        </button>
      </div>
    </form>
  );
}
