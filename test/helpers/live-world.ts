import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { comparableRow, fetchAllRows, fetchFields, type LiveClient } from './live-client.js';

/** Creates a project, a dataset with fields `depth_m` (number, m), `note` (text) and `count` (integer), and rows. */
export async function createLiveDataset(url: string, cookie: string, rows: number): Promise<{ datasetId: string; projectId: string }> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path} failed with ${response.status}: ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const project = await post('/projects', { title: `Live ${randomUUID().slice(0, 6)}` });
  // Published, so every signed-in user may read it; only project members may edit it.
  const dataset = await post(`/projects/${project.id}/datasets`, { title: 'Co-edited', visibility: 'internal', state: 'published' });
  await post(`/datasets/${dataset.id}/fields`, { label: 'Depth', key: 'depth_m', type: 'number', unit: 'm' });
  await post(`/datasets/${dataset.id}/fields`, { label: 'Note', key: 'note', type: 'text' });
  await post(`/datasets/${dataset.id}/fields`, { label: 'Count', key: 'count', type: 'integer' });
  for (let row = 0; row < rows; row += 1) {
    await post(`/datasets/${dataset.id}/samples`, { name: `R${row}`, values: { depth_m: row } });
  }
  return { datasetId: dataset.id, projectId: project.id };
}

/** The dataset's seq as the database has it. */
export async function datasetSeq(url: string, cookie: string, datasetId: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/datasets/${datasetId}`, { headers: { cookie } });
  return ((await response.json()) as { seq: number }).seq;
}

/** Waits until every client has applied every change and has no unconfirmed edits, syncing stragglers. */
export async function waitUntilSettled(clients: LiveClient[], url: string, cookie: string, datasetId: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seq = await datasetSeq(url, cookie, datasetId);
    const behind = clients.filter((client) => !client.isSettledAt(seq));
    if (behind.length === 0) return seq;
    if (Date.now() > deadline) {
      const states = behind.map((client) => `${client.clientId}: seq ${client.table.seq}, pending ${client.table.hasPendingEdits()}, connected ${client.socket.connected}`);
      throw new Error(`clients did not settle at seq ${seq} within ${timeoutMs} ms:\n${states.join('\n')}`);
    }
    for (const client of behind) if (client.socket.connected && !client.table.hasPendingEdits()) void client.sync();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Asserts that every client's rows and fields equal the database's. */
export async function expectClientsMatchDatabase(clients: LiveClient[], url: string, cookie: string, datasetId: string): Promise<void> {
  const rows = (await fetchAllRows(url, cookie, datasetId)).map(comparableRow);
  const fields = (await fetchFields(url, cookie, datasetId)).map((field) => [field.key, field.type, field.label]);
  for (const client of clients) {
    expect(client.table.committedRows().map(comparableRow), `rows of client ${client.clientId}`).toEqual(rows);
    expect(client.table.committedFields().map((field) => [field.key, field.type, field.label]), `fields of client ${client.clientId}`).toEqual(fields);
  }
}
