import { createSignal, For, Show } from 'solid-js';
import type { ACCESS_PROPERTIES, Dataset, DatasetCreate } from '../../../common/api/datasets.js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { FormField } from '../components/FormField.js';
import { dayBound } from '../format/dates.js';
import { parseKeywords } from '../format/keywords.js';

type Visibility = Dataset['visibility'];

const VISIBILITY_OPTIONS: { value: Visibility; label: string }[] = [
  { value: 'private', label: 'Private: project members only' },
  { value: 'internal', label: 'Internal: everyone signed in' },
  { value: 'public', label: 'Public: everyone' },
];

/** The metadata a dataset form edits, in the shape both POST and PATCH accept. */
export type DatasetMetadataInput = Required<Omit<DatasetCreate, 'temporalStart' | 'temporalEnd' | (typeof ACCESS_PROPERTIES)[number]>> & {
  visibility?: DatasetCreate['visibility'];
  temporalStart: string | null;
  temporalEnd: string | null;
};

/**
 * Creates or edits a dataset's descriptive metadata: title, abstract, license and rights,
 * keywords, temporal coverage, visibility, version, DOI and source. Field messages from the
 * server appear beside their inputs; the banner only summarises them.
 */
export function DatasetMetadataForm(props: {
  heading: string;
  submitLabel: string;
  initial?: Dataset;
  /** Whether the form offers visibility; editing leaves it to the access panel, which needs the publish right. */
  withVisibility?: boolean;
  onSubmit(input: DatasetMetadataInput): Promise<void>;
  onCancel?: () => void;
}) {
  const initial = props.initial;
  const [title, setTitle] = createSignal(initial?.title ?? '');
  const [abstract, setAbstract] = createSignal(initial?.abstract ?? '');
  const [license, setLicense] = createSignal(initial ? (initial.license ?? '') : 'CC-BY-4.0');
  const [rights, setRights] = createSignal(initial?.rights ?? '');
  const [keywords, setKeywords] = createSignal(initial?.keywords.join(', ') ?? '');
  const [temporalStart, setTemporalStart] = createSignal(initial?.temporalStart?.slice(0, 10) ?? '');
  const [temporalEnd, setTemporalEnd] = createSignal(initial?.temporalEnd?.slice(0, 10) ?? '');
  const [visibility, setVisibility] = createSignal<Visibility>(initial?.visibility ?? 'private');
  const [version, setVersion] = createSignal(initial?.version ?? '1');
  const [doi, setDoi] = createSignal(initial?.doi ?? '');
  const [sourceName, setSourceName] = createSignal(initial?.sourceName ?? '');
  const [sourceUrl, setSourceUrl] = createSignal(initial?.sourceUrl ?? '');
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);

  const fieldMessage = (name: string) => {
    const current = error();
    return current instanceof ApiError ? current.fieldMessage(name) : undefined;
  };
  const summary = () => {
    const current = error();
    if (current instanceof ApiError && current.fieldErrors.length > 0) return 'Some values are not valid; see the messages below.';
    return errorMessage(current);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit({
        title: title().trim(),
        abstract: abstract(),
        license: license().trim() || null,
        rights: rights(),
        keywords: parseKeywords(keywords()),
        temporalStart: dayBound(temporalStart(), 'start'),
        temporalEnd: dayBound(temporalEnd(), 'end'),
        ...(props.withVisibility === false ? {} : { visibility: visibility() }),
        version: version().trim() || '1',
        doi: doi().trim().replace(/^https?:\/\/(dx\.)?doi\.org\//i, '') || null,
        sourceName: sourceName().trim(),
        sourceUrl: sourceUrl().trim() || null,
      });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={(event) => void onSubmit(event)} aria-label={props.heading}>
      <h2>{props.heading}</h2>
      <Show when={error()}>
        <p class="notice notice--error" role="alert">
          {summary()}
        </p>
      </Show>
      <FormField label="Title" error={fieldMessage('title')}>
        <input name="title" required maxlength="500" value={title()} onInput={(event) => setTitle(event.currentTarget.value)} />
      </FormField>
      <FormField label="Abstract" hint="What the data are, and how they were collected." error={fieldMessage('abstract')}>
        <textarea name="abstract" rows="4" value={abstract()} onInput={(event) => setAbstract(event.currentTarget.value)} />
      </FormField>
      <div class="form__row">
        <FormField label="License" hint="An SPDX identifier such as CC-BY-4.0 or CC0-1.0; empty for none." error={fieldMessage('license')}>
          <input name="license" value={license()} onInput={(event) => setLicense(event.currentTarget.value)} />
        </FormField>
        <Show when={props.withVisibility !== false}>
          <FormField label="Visibility" error={fieldMessage('visibility')}>
            <select name="visibility" value={visibility()} onChange={(event) => setVisibility(event.currentTarget.value as Visibility)}>
              <For each={VISIBILITY_OPTIONS}>{(option) => <option value={option.value}>{option.label}</option>}</For>
            </select>
          </FormField>
        </Show>
      </div>
      <FormField label="Rights" hint="Optional statement shown beside the license, e.g. who holds the copyright." error={fieldMessage('rights')}>
        <input name="rights" value={rights()} onInput={(event) => setRights(event.currentTarget.value)} />
      </FormField>
      <FormField label="Keywords" hint="Separated by commas." error={fieldMessage('keywords')}>
        <input name="keywords" value={keywords()} onInput={(event) => setKeywords(event.currentTarget.value)} />
      </FormField>
      <div class="form__row">
        <FormField label="Temporal coverage from" hint="Optional; when empty, the samples' collection times are shown." error={fieldMessage('temporalStart')}>
          <input name="temporalStart" type="date" value={temporalStart()} onInput={(event) => setTemporalStart(event.currentTarget.value)} />
        </FormField>
        <FormField label="to" error={fieldMessage('temporalEnd')}>
          <input name="temporalEnd" type="date" value={temporalEnd()} onInput={(event) => setTemporalEnd(event.currentTarget.value)} />
        </FormField>
      </div>
      <div class="form__row">
        <FormField label="Version" error={fieldMessage('version')}>
          <input name="version" maxlength="50" value={version()} onInput={(event) => setVersion(event.currentTarget.value)} />
        </FormField>
        <FormField label="DOI" hint="Optional, e.g. 10.5281/zenodo.1234." error={fieldMessage('doi')}>
          <input name="doi" value={doi()} onInput={(event) => setDoi(event.currentTarget.value)} />
        </FormField>
      </div>
      <div class="form__row">
        <FormField label="Source" hint="Optional: who published the data, if not your team." error={fieldMessage('sourceName')}>
          <input name="sourceName" value={sourceName()} onInput={(event) => setSourceName(event.currentTarget.value)} />
        </FormField>
        <FormField label="Source URL" hint="Optional http or https link." error={fieldMessage('sourceUrl')}>
          <input name="sourceUrl" type="url" value={sourceUrl()} onInput={(event) => setSourceUrl(event.currentTarget.value)} />
        </FormField>
      </div>
      <div class="form__actions">
        <button type="submit" class="button button--primary" disabled={busy() || title().trim() === ''}>
          {busy() ? 'Saving…' : props.submitLabel}
        </button>
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="button" onClick={() => cancel()()}>
              Cancel
            </button>
          )}
        </Show>
      </div>
    </form>
  );
}
