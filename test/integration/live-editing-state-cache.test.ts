import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditAck } from '../../common/editing/protocol.js';
import type { EditOp } from '../../common/editing/requests.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { openSocket, type ClientSocket } from '../helpers/live-client.js';

/**
 * A client's cell edit on a node starts from the state its previous edit left there. These
 * tests change the dataset, a role or the undo stacks behind that state's back and check that
 * the next edit takes the change into account.
 */
let api: ApiServer;
let admin: TestClient;
let editor: TestClient;
let projectId: string;
let editorId: string;

beforeAll(async () => {
  api = await startApiServer({ EDIT_RATE_PER_SECOND: '1000' });
  admin = await new TestClient(api.url).signIn();
  expect((await admin.post('/users', { email: 'eda.editor@example.org', displayName: 'Eda Editor', password: 'eda-editor-password' })).status).toBe(201);
  editor = await new TestClient(api.url).signIn('eda.editor@example.org', 'eda-editor-password');
  editorId = (await api.server.context.knex('users').where({ email: 'eda.editor@example.org' }).first('id')).id;
  projectId = (await admin.post('/projects', { title: 'Cache checks' })).body.id;
  await api.server.context.knex('project_members').insert({ projectId, userId: editorId, role: 'editor' });
});

afterAll(async () => {
  await api?.close();
});

/** Creates a dataset with text fields a and b and one row R. */
async function makeDataset(): Promise<{ datasetId: string; rowId: string }> {
  const dataset = await admin.post(`/projects/${projectId}/datasets`, { title: `Cache ${randomUUID().slice(0, 6)}`, visibility: 'private' });
  for (const key of ['a', 'b']) await admin.post(`/datasets/${dataset.body.id}/fields`, { label: key.toUpperCase(), key, type: 'text' });
  const row = await admin.post(`/datasets/${dataset.body.id}/samples`, { name: 'R' });
  return { datasetId: dataset.body.id, rowId: row.body.id };
}

async function seqOf(datasetId: string): Promise<number> {
  return (await admin.get(`/datasets/${datasetId}`)).body.seq;
}

function setCell(rowId: string, key: string, value: string): EditOp {
  return { type: 'cell.set', sampleId: rowId, key, value };
}

function edit(socket: ClientSocket, clientId: string, datasetId: string, ops: EditOp[], baseSeq: number): Promise<EditAck> {
  return socket.emitWithAck('dataset:edit', { datasetId, mutationId: randomUUID(), baseSeq, clientId, ops });
}

async function valuesOf(rowId: string): Promise<Record<string, unknown>> {
  return (await api.server.context.knex('samples').where({ id: rowId }).first('values')).values;
}

describe('edits that start from the state a previous edit left', () => {
  it("keep another client's change to another cell of the same row", async () => {
    const { datasetId, rowId } = await makeDataset();
    const [first, second] = await Promise.all([openSocket(api.url, editor.cookie), openSocket(api.url, admin.cookie)]);
    try {
      const base = await seqOf(datasetId);
      const firstEdit = await edit(first, 'client-one', datasetId, [setCell(rowId, 'a', 'one')], base);
      expect(firstEdit.ok).toBe(true);
      const mine = firstEdit.ok ? firstEdit.seq : 0;
      expect((await edit(second, 'client-two', datasetId, [setCell(rowId, 'b', 'two')], mine)).ok).toBe(true);

      // The first client has not seen the second one's change yet; its base is its own edit.
      const three = await edit(first, 'client-one', datasetId, [setCell(rowId, 'a', 'three')], mine);
      expect(three.ok).toBe(true);
      expect(await valuesOf(rowId)).toEqual({ a: 'three', b: 'two' });
    } finally {
      first.disconnect();
      second.disconnect();
    }
  });

  it('reject an edit after the user lost the editor role', async () => {
    const { datasetId, rowId } = await makeDataset();
    const socket = await openSocket(api.url, editor.cookie);
    try {
      const first = await edit(socket, 'client-eda', datasetId, [setCell(rowId, 'a', 'allowed')], await seqOf(datasetId));
      expect(first.ok).toBe(true);
      const seq = first.ok ? first.seq : 0;

      await api.server.context.knex('project_members').where({ projectId, userId: editorId }).update({ role: 'viewer' });
      try {
        const rejected = await edit(socket, 'client-eda', datasetId, [setCell(rowId, 'a', 'rejected')], seq);
        expect(rejected.ok).toBe(false);
        expect(rejected.ok ? null : rejected.error.code).toBe('forbidden');
        expect(await valuesOf(rowId)).toEqual({ a: 'allowed' });
        expect(await seqOf(datasetId)).toBe(seq);
      } finally {
        await api.server.context.knex('project_members').where({ projectId, userId: editorId }).update({ role: 'editor' });
      }
    } finally {
      socket.disconnect();
    }
  });

  it('keep undo stacks that changed without a change to the dataset', async () => {
    const { datasetId, rowId } = await makeDataset();
    const socket = await openSocket(api.url, editor.cookie);
    try {
      const first = await edit(socket, 'client-undo', datasetId, [setCell(rowId, 'a', 'first')], await seqOf(datasetId));
      const firstSeq = first.ok ? first.seq : 0;
      const second = await edit(socket, 'client-undo', datasetId, [setCell(rowId, 'b', 'second')], firstSeq);
      const secondSeq = second.ok ? second.seq : 0;
      // Another tab of the user emptied the stacks without a change (as an undo that restores nothing does).
      await api.server.context.knex('undo_stacks').where({ datasetId, userId: editorId }).update({ undo: [], redo: [] });

      const third = await edit(socket, 'client-undo', datasetId, [setCell(rowId, 'a', 'third')], secondSeq);
      expect(third.ok).toBe(true);
      const stacks = await api.server.context.knex('undo_stacks').where({ datasetId, userId: editorId }).first('undo');
      // Only the third edit is on the stack: the stale [first, second] was not written back.
      expect(stacks.undo.map(Number)).toEqual([third.ok ? third.seq : -1]);
    } finally {
      socket.disconnect();
    }
  });
});
