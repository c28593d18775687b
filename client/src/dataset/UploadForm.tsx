import { createSignal, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../api/api-error.js';
import { uploadImportFile, UploadExpiredError, type TransferProgress, type UploadHandle } from '../api/upload.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { formatBytes } from '../format/numbers.js';
import { ACCEPTED_EXTENSIONS, checkUploadFile } from './upload-check.js';

/**
 * Uploads a chosen table into the dataset over a resumable upload and shows the transfer. A
 * dropped connection is retried by itself; after a reload, choosing the same file again continues
 * where the server's copy ends.
 */
export function UploadForm(props: { datasetId: string; uploadMaxBytes: number | undefined; onUploaded(importId: string): void }) {
  const [file, setFile] = createSignal<File | null>(null);
  const [transfer, setTransfer] = createSignal<TransferProgress | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [paused, setPaused] = createSignal(false);
  const [expired, setExpired] = createSignal(false);
  let handle: UploadHandle | null = null;
  let form: HTMLFormElement | undefined;
  onCleanup(() => handle?.pause());

  const fileProblem = () => {
    const chosen = file();
    return chosen ? checkUploadFile(chosen, props.uploadMaxBytes) : null;
  };

  const onChoose = (event: Event & { currentTarget: HTMLInputElement }) => {
    setFile(event.currentTarget.files?.[0] ?? null);
    setError(null);
    setPaused(false);
    setExpired(false);
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const chosen = file();
    if (!chosen || handle || fileProblem()) return;

    setError(null);
    setPaused(false);
    setExpired(false);
    setTransfer({ loaded: 0, total: chosen.size, resumed: false, retrying: false });
    try {
      handle = await uploadImportFile(props.datasetId, chosen, setTransfer);
      const importId = await handle.done;
      props.onUploaded(importId);
      form?.reset();
      setFile(null);
      setTransfer(null);
    } catch (caught) {
      if (caught instanceof UploadExpiredError) {
        // Nothing of the old upload is left to resume, so its progress is no longer shown.
        setExpired(true);
        setTransfer(null);
        setError(`${caught.message} Press "Upload again" to send it.`);
      } else {
        setError(`The upload stopped: ${errorMessage(caught)}`);
      }
    } finally {
      handle = null;
    }
  };

  const onPause = () => {
    handle?.pause();
    handle = null;
    setPaused(true);
  };

  const transferValues = () => {
    const current = transfer()!;
    return {
      min: 0 as const,
      max: Math.max(current.total, 1),
      now: current.loaded,
      text: `${formatBytes(current.loaded)} of ${formatBytes(current.total)} sent${current.resumed ? ' (continuing an earlier upload)' : ''}`,
    };
  };
  const busy = () => transfer() !== null && !paused() && error() === null;
  const uploadLabel = () => {
    if (expired()) return 'Upload again';
    return paused() || error() !== null ? 'Resume upload' : 'Upload';
  };

  return (
    <form ref={form} class="form upload-form" onSubmit={(event) => void onSubmit(event)} aria-labelledby="upload-heading">
      <h3 id="upload-heading">Upload a file</h3>
      <p class="muted">
        CSV or TSV, Excel (.xlsx), OpenDocument (.ods) or GeoJSON, or a ZIP archive of these (you choose the table when it holds several). The file is analysed first, and you check
        how its columns will be read before anything is added. An interrupted upload continues where it stopped when you choose the same
        file again.
        <Show when={props.uploadMaxBytes}>{(max) => ` Files up to ${formatBytes(max())}.`}</Show>
      </p>
      <div class="upload-form__row">
        <label class="file-input">
          <span class="visually-hidden">File to upload</span>
          <input type="file" name="file" accept={ACCEPTED_EXTENSIONS.join(',')} onChange={onChoose} disabled={busy()} />
        </label>
        <button type="submit" class="button button--primary" disabled={!file() || busy() || fileProblem() !== null}>
          {uploadLabel()}
        </button>
        <Show when={busy()}>
          <button type="button" class="button" onClick={onPause}>
            Pause
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
          <p class="small">
            {transferValues().text}
            <Show when={paused()}> · paused; press Resume upload to continue</Show>
            <Show when={!paused() && transfer()!.retrying}> · the connection failed; trying again, continuing where it stopped</Show>
          </p>
        </div>
      </Show>
    </form>
  );
}
