import { createSignal, onCleanup, Show } from 'solid-js';
import type { ImportRecord } from '../../../common/api/imports.js';
import { errorMessage } from '../api/api-error.js';
import { uploadImportFile, type TransferProgress, type UploadHandle } from '../api/upload.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { formatBytes } from '../format/numbers.js';
import { ACCEPTED_EXTENSIONS, checkUploadFile } from './upload-check.js';

/** Uploads a chosen CSV or GeoJSON file into the dataset and shows the transfer. */
export function UploadForm(props: { datasetId: string; uploadMaxBytes: number | undefined; onQueued(record: ImportRecord): void }) {
  const [file, setFile] = createSignal<File | null>(null);
  const [transfer, setTransfer] = createSignal<TransferProgress | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let handle: UploadHandle | null = null;
  let form: HTMLFormElement | undefined;
  onCleanup(() => handle?.abort());

  const fileProblem = () => {
    const chosen = file();
    return chosen ? checkUploadFile(chosen, props.uploadMaxBytes) : null;
  };

  const onChoose = (event: Event & { currentTarget: HTMLInputElement }) => {
    setFile(event.currentTarget.files?.[0] ?? null);
    setError(null);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const chosen = file();
    if (!chosen || handle || fileProblem()) return;

    setError(null);
    setTransfer({ loaded: 0, total: chosen.size });
    handle = uploadImportFile(props.datasetId, chosen, setTransfer);
    try {
      const record = await handle.done;
      props.onQueued(record);
      form?.reset();
      setFile(null);
    } catch (caught) {
      setError(`The upload failed: ${errorMessage(caught)}`);
    } finally {
      handle = null;
      setTransfer(null);
    }
  };

  const transferValues = () => {
    const current = transfer()!;
    return {
      min: 0 as const,
      max: Math.max(current.total, 1),
      now: current.loaded,
      text: `${formatBytes(current.loaded)} of ${formatBytes(current.total)} sent`,
    };
  };

  return (
    <form ref={form} class="form upload-form" onSubmit={(event) => void onSubmit(event)} aria-labelledby="upload-heading">
      <h3 id="upload-heading">Upload a file</h3>
      <p class="muted">
        CSV or TSV with a header row, or GeoJSON. Columns named like latitude and longitude (or lat and lon) become the sample
        locations; other columns become fields.
        <Show when={props.uploadMaxBytes}>{(max) => ` Files up to ${formatBytes(max())}.`}</Show>
      </p>
      <div class="upload-form__row">
        <label class="file-input">
          <span class="visually-hidden">File to upload</span>
          <input type="file" name="file" accept={ACCEPTED_EXTENSIONS.join(',')} onChange={onChoose} disabled={transfer() !== null} />
        </label>
        <button type="submit" class="button button--primary" disabled={!file() || transfer() !== null || fileProblem() !== null}>
          Upload
        </button>
        <Show when={transfer()}>
          <button type="button" class="button" onClick={() => handle?.abort()}>
            Cancel
          </button>
        </Show>
      </div>
      <Show when={fileProblem() ?? error()}>
        {(message) => (
          <p class="notice notice--error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={transfer()}>
        <div class="stack-small">
          <ProgressBar label="Upload progress" values={transferValues()} />
          <p class="small">{transferValues().text}</p>
        </div>
      </Show>
    </form>
  );
}
