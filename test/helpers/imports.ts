import type { ImportRecord } from '../../common/api/imports.js';

/** Uploads a small file into a dataset over the multipart route and returns the queued import. */
export async function uploadFile(baseUrl: string, cookie: string, datasetId: string, name: string, content: string): Promise<ImportRecord> {
  const form = new FormData();
  form.set('file', new Blob([content], { type: 'text/csv' }), name);
  const response = await fetch(`${baseUrl}/api/v1/datasets/${datasetId}/imports`, { method: 'POST', headers: { cookie }, body: form });
  if (response.status !== 202) throw new Error(`Upload failed with ${response.status}: ${await response.text()}`);
  return (await response.json()) as ImportRecord;
}

async function readImport(baseUrl: string, cookie: string, importId: string): Promise<ImportRecord> {
  const response = await fetch(`${baseUrl}/api/v1/imports/${importId}`, { headers: { cookie } });
  return (await response.json()) as ImportRecord;
}

/** Polls an import until it leaves the given states. */
export async function waitForImportState(
  baseUrl: string,
  cookie: string,
  importId: string,
  passing: readonly string[],
  timeoutMs = 60_000,
): Promise<ImportRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await readImport(baseUrl, cookie, importId);
    if (!passing.includes(record.state)) return record;
    if (Date.now() > deadline) throw new Error(`Import ${importId} is still ${record.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Uploads a file, waits for its analysis and starts the load as proposed, as the uploader would
 * after reviewing it; returns the import once it has ended (or failed in the analysis).
 */
export async function uploadAndLoad(baseUrl: string, cookie: string, datasetId: string, name: string, content: string): Promise<ImportRecord> {
  const queued = await uploadFile(baseUrl, cookie, datasetId, name, content);
  const analysed = await waitForImportState(baseUrl, cookie, queued.id, ['uploading', 'queued', 'running']);
  if (analysed.state !== 'awaiting_review') return analysed;

  const started = await fetch(`${baseUrl}/api/v1/imports/${queued.id}/start`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ invalidRows: 'reject' }),
  });
  if (!started.ok) throw new Error(`Starting import ${queued.id} failed with ${started.status}: ${await started.text()}`);
  return waitForImportState(baseUrl, cookie, queued.id, ['uploading', 'queued', 'running', 'awaiting_review']);
}
