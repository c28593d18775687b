import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditAck } from '../../common/editing/protocol.js';
import type { EditOp } from '../../common/editing/requests.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { openSocket, type ClientSocket } from '../helpers/live-client.js';
import { openRawSocket } from '../helpers/raw-socket.js';

/**
 * Live edits as a careless or hostile client sends them. They come without waiting for
 * acknowledgements, with another user's client id, nested thousands of levels deep, or with a
 * fresh client id for every edit, and some go to datasets whose embargo date has microseconds.
 */
let api: ApiServer;
let admin: TestClient;
let editor: TestClient;
let projectId: string;

beforeAll(async () => {
  api = await startApiServer({ EDIT_RATE_PER_SECOND: '100000' });
  admin = await new TestClient(api.url).signIn();
  expect((await admin.post('/users', { email: 'ida.editor@example.org', displayName: 'Ida Editor', password: 'ida-editor-password' })).status).toBe(201);
  editor = await new TestClient(api.url).signIn('ida.editor@example.org', 'ida-editor-password');
  const editorId = (await api.server.context.knex('users').where({ email: 'ida.editor@example.org' }).first('id')).id;
  projectId = (await admin.post('/projects', { title: 'Hostile clients' })).body.id;
  await api.server.context.knex('project_members').insert({ projectId, userId: editorId, role: 'editor' });
});

afterAll(async () => {
  await api?.close();
});

/** A dataset with text fields a and b and `rows` rows named R0, R1, …; returns the row ids. */
async function makeDataset(rows = 1, extra: Record<string, unknown> = {}): Promise<{ datasetId: string; rowIds: string[] }> {
  const dataset = await admin.post(`/projects/${projectId}/datasets`, { title: `Hostile ${randomUUID().slice(0, 6)}`, visibility: 'private', ...extra });
  expect(dataset.status).toBe(201);
  for (const key of ['a', 'b']) await admin.post(`/datasets/${dataset.body.id}/fields`, { label: key.toUpperCase(), key, type: 'text' });
  const rowIds: string[] = [];
  for (let row = 0; row < rows; row += 1) rowIds.push((await admin.post(`/datasets/${dataset.body.id}/samples`, { name: `R${row}` })).body.id);
  return { datasetId: dataset.body.id, rowIds };
}

async function seqOf(datasetId: string): Promise<number> {
  return (await admin.get(`/datasets/${datasetId}`)).body.seq;
}

function setCell(rowId: string, key: string, value: string): EditOp {
  return { type: 'cell.set', sampleId: rowId, key, value };
}

function edit(socket: ClientSocket, datasetId: string, ops: EditOp[], baseSeq: number, clientId?: string): Promise<EditAck> {
  return socket.emitWithAck('dataset:edit', { datasetId, mutationId: randomUUID(), baseSeq, ...(clientId ? { clientId } : {}), ops });
}

async function storedValue(rowId: string, key: string): Promise<unknown> {
  return ((await api.server.context.knex('samples').where({ id: rowId }).first('values')).values as Record<string, unknown>)[key];
}

describe('live edits from hostile or careless clients', () => {
  it('commits one tab’s edits in the order sent', async () => {
    const { datasetId, rowIds } = await makeDataset(61);
    const [target, ...others] = rowIds as [string, ...string[]];
    const socket = await openSocket(api.url, admin.cookie);
    try {
      for (let round = 0; round < 6; round += 1) {
        const clientId = `order-tab-${round}`;
        // The tab's previous edit, of the target row only, leaves its state in the cache.
        const warm = await edit(socket, datasetId, [setCell(target, 'a', `warm-${round}`)], await seqOf(datasetId), clientId);
        expect(warm.ok).toBe(true);
        const seq = warm.ok ? warm.seq : 0;

        // A paste that ends on the target cell, then a correction of that cell, sent back to back.
        const paste = edit(socket, datasetId, [...others.map((id) => setCell(id, 'b', `paste-${round}`)), setCell(target, 'a', `pasted-${round}`)], seq, clientId);
        const correction = edit(socket, datasetId, [setCell(target, 'a', `corrected-${round}`)], seq, clientId);
        const [pasted, corrected] = await Promise.all([paste, correction]);
        expect(pasted.ok).toBe(true);
        expect(corrected.ok).toBe(true);
        expect(pasted.ok ? pasted.seq : 0, `round ${round}: the paste commits first`).toBeLessThan(corrected.ok ? corrected.seq : 0);
        expect(await storedValue(target, 'a')).toBe(`corrected-${round}`);
      }
    } finally {
      socket.disconnect();
    }
  });

  it("reports a conflict to a user who sends another user's client id", async () => {
    const { datasetId, rowIds } = await makeDataset();
    const [adminSocket, editorSocket] = await Promise.all([openSocket(api.url, admin.cookie), openSocket(api.url, editor.cookie)]);
    try {
      const base = await seqOf(datasetId);
      expect((await edit(adminSocket, datasetId, [setCell(rowIds[0]!, 'a', "admin's value")], base, 'admin-tab-0001')).ok).toBe(true);

      // The editor has not seen the admin's change and sends the admin's client id.
      const borrowed = await edit(editorSocket, datasetId, [setCell(rowIds[0]!, 'a', "editor's value")], base, 'admin-tab-0001');
      expect(borrowed.ok ? 'applied' : borrowed.error.code).toBe('conflict');
      expect(await storedValue(rowIds[0]!, 'a')).toBe("admin's value");
    } finally {
      adminSocket.disconnect();
      editorSocket.disconnect();
    }
  });

  it('answers payloads nested 5,000 levels deep with validation errors', async () => {
    const { datasetId, rowIds } = await makeDataset();
    const socket = await openRawSocket(api.url, admin.cookie);
    const nested = (depth: number) => '{"x":'.repeat(depth) + '1' + '}'.repeat(depth);
    try {
      const seq = await seqOf(datasetId);
      const answers: Record<string, string> = {};
      for (const depth of [100, 5_000]) {
        // 5,000 levels are 30 KB of JSON, under the 256 KiB limit of an edit.
        const value = nested(depth);
        const editPayload = `{"datasetId":"${datasetId}","mutationId":"${randomUUID()}","clientId":"deep-tab-1","baseSeq":${seq},"ops":[{"type":"cell.set","sampleId":"${rowIds[0]}","key":"a","value":${value}}]}`;
        answers[`edit ${depth}`] = codeOf(await socket.emit('dataset:edit', editPayload));
        answers[`undo ${depth}`] = codeOf(await socket.emit('dataset:undo', `{"datasetId":"${datasetId}","mutationId":"${randomUUID()}","extra":${value}}`));
        answers[`sync ${depth}`] = codeOf(await socket.emit('dataset:sync', `{"datasetId":"${datasetId}","afterSeq":0,"extra":${value}}`));
      }
      expect(answers).toEqual({
        'edit 100': 'validation_failed',
        'undo 100': 'validation_failed',
        'sync 100': 'validation_failed',
        'edit 5000': 'validation_failed',
        'undo 5000': 'validation_failed',
        'sync 5000': 'validation_failed',
      });
      expect(socket.open).toBe(true);
      expect(await seqOf(datasetId)).toBe(seq);
    } finally {
      socket.close();
    }
  });

  it('applies edits to datasets whose embargo date has microseconds', async () => {
    const patchedLater = await makeDataset();
    expect((await admin.patch(`/datasets/${patchedLater.datasetId}`, { embargoUntil: '2030-01-01T00:00:00.123456Z' })).status).toBe(200);
    const createdWith = await makeDataset(1, { embargoUntil: '2031-06-30T12:00:00.000001+02:00' });
    const socket = await openSocket(api.url, admin.cookie);
    try {
      for (const { datasetId, rowIds } of [patchedLater, createdWith]) {
        const cell = await edit(socket, datasetId, [setCell(rowIds[0]!, 'a', 'under embargo')], await seqOf(datasetId), 'embargo-tab-1');
        expect(cell.ok ? null : cell.error).toBeNull();
        const insert = await edit(socket, datasetId, [{ type: 'sample.insert', sample: { id: randomUUID(), name: 'New' } }], await seqOf(datasetId), 'embargo-tab-1');
        expect(insert.ok ? null : insert.error).toBeNull();
      }
    } finally {
      socket.disconnect();
    }
  });

  it('keeps the edit-state cache bounded when every edit names a new client', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const { datasetId, rowIds } = await makeDataset();
    const socket = await openSocket(api.url, admin.cookie);
    try {
      // 200 fields with 5,000-character descriptions: about 1 MB of field text in each state.
      for (let batch = 0; batch < 5; batch += 1) {
        const ops: EditOp[] = Array.from({ length: 40 }, (_, index) => ({
          type: 'field.insert',
          field: { id: randomUUID(), label: `F${batch}-${index}`, key: `f${batch}_${index}`, type: 'text', description: 'd'.repeat(5000) },
        }));
        expect((await edit(socket, datasetId, ops, await seqOf(datasetId), 'setup-tab-1')).ok).toBe(true);
      }

      gc();
      const before = process.memoryUsage().heapUsed;
      let seq = await seqOf(datasetId);
      for (let index = 0; index < 300; index += 1) {
        const ack = await edit(socket, datasetId, [setCell(rowIds[0]!, 'a', `v${index}`)], seq, `tab-${String(index).padStart(6, '0')}`);
        expect(ack.ok).toBe(true);
        if (ack.ok) seq = ack.seq;
      }
      gc();
      const grownMegabytes = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
      // Keeping the fields once per client id would grow the heap by about 300 MB.
      expect(Math.round(grownMegabytes)).toBeLessThan(100);
    } finally {
      socket.disconnect();
    }
  });
});

function codeOf(ack: unknown): string {
  const answer = ack as { ok: boolean; error?: { code: string } };
  return answer.ok ? 'ok' : answer.error!.code;
}
