import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditAck } from '../../common/editing/protocol.js';
import type { EditOp } from '../../common/editing/requests.js';
import type { DatasetChange } from '../../common/events.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { openSocket, type ClientSocket } from '../helpers/live-client.js';

let api: ApiServer;
let admin: TestClient;
let socket: ClientSocket;

beforeAll(async () => {
  // One user sends every edit here, more than the default 30 a second on a fast run.
  api = await startApiServer({ EDIT_RATE_PER_SECOND: '1000' });
  admin = await new TestClient(api.url).signIn();
  socket = await openSocket(api.url, admin.cookie);
});

afterAll(async () => {
  socket?.disconnect();
  await api?.close();
});

/** Creates a dataset with rows of these names, added one after another. */
async function makeDataset(names: string[]): Promise<{ datasetId: string; projectId: string; ids: Map<string, string> }> {
  const project = await admin.post('/projects', { title: `Order ${randomUUID().slice(0, 6)}` });
  const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Rows', visibility: 'private' });
  const ids = new Map<string, string>();
  for (const name of names) ids.set(name, (await admin.post(`/datasets/${dataset.body.id}/samples`, { name })).body.id);
  return { datasetId: dataset.body.id, projectId: project.body.id, ids };
}

/** Adds rows with consecutive ords after every ord in use, as rows loaded before ords were spaced have. */
async function addPackedRows(datasetId: string, names: string[], gapAfter = 0): Promise<void> {
  const knex = api.server.context.knex;
  const [sequence] = (await knex.raw('SELECT last_value + 1 AS base FROM samples_ord_seq')).rows as { base: string }[];
  const rows = names.map((name, index) => ({ datasetId, name, ord: Number(sequence!.base) + index + (index === names.length - 1 ? gapAfter : 0) }));
  await knex('samples').insert(rows);
}

async function seqOf(datasetId: string): Promise<number> {
  return (await admin.get(`/datasets/${datasetId}`)).body.seq;
}

async function edit(datasetId: string, ops: EditOp[], baseSeq?: number): Promise<EditAck> {
  return socket.emitWithAck('dataset:edit', { datasetId, mutationId: randomUUID(), baseSeq: baseSeq ?? (await seqOf(datasetId)), ops });
}

function insertAfter(afterId: string, name: string, id = randomUUID()): EditOp {
  return { type: 'sample.insert', sample: { id, name }, afterId };
}

/** Reads every row in row order with its ord. */
async function rows(datasetId: string): Promise<{ id: string; name: string; ord: number }[]> {
  const window = await admin.get(`/datasets/${datasetId}/samples/window?limit=1000`);
  return window.body.items.map((item: { id: string; name: string; ord: number }) => ({ id: item.id, name: item.name, ord: item.ord }));
}

async function changesAfter(datasetId: string, seq: number): Promise<DatasetChange[]> {
  return (await admin.get(`/datasets/${datasetId}/changes?after=${seq}`)).body.items;
}

describe('inserting a row after another', () => {
  it('places the row between its neighbours', async () => {
    const { datasetId, ids } = await makeDataset(['A', 'B', 'C']);
    const before = await rows(datasetId);
    const seq = await seqOf(datasetId);

    const ack = await edit(datasetId, [insertAfter(ids.get('A')!, 'X')]);
    expect(ack.ok).toBe(true);
    const after = await rows(datasetId);
    expect(after.map((row) => row.name)).toEqual(['A', 'X', 'B', 'C']);
    expect(after[1]!.ord).toBe(before[0]!.ord + (before[1]!.ord - before[0]!.ord) / 2);

    const [change] = await changesAfter(datasetId, seq);
    const op = change!.ops[0]!;
    expect(op.type).toBe('sample.insert');
    if (op.type !== 'sample.insert') return;
    expect(op.sample.ord).toBe(after[1]!.ord);
    expect(op.moved).toBeUndefined();
  });

  it('appends after the last row', async () => {
    const { datasetId, ids } = await makeDataset(['A', 'B']);
    expect((await edit(datasetId, [insertAfter(ids.get('B')!, 'Z')])).ok).toBe(true);
    expect((await rows(datasetId)).map((row) => row.name)).toEqual(['A', 'B', 'Z']);
  });

  it('keeps order over many inserts at one place', async () => {
    const { datasetId, ids } = await makeDataset(['A', 'B']);
    const seq = await seqOf(datasetId);
    const bOrd = (await rows(datasetId))[1]!.ord;

    // Each new row goes right below A, so the ords between A and the previous new row halve each time.
    for (let n = 1; n <= 24; n += 1) expect((await edit(datasetId, [insertAfter(ids.get('A')!, `X${n}`)])).ok).toBe(true);
    const names = (await rows(datasetId)).map((row) => row.name);
    expect(names).toEqual(['A', ...Array.from({ length: 24 }, (_, index) => `X${24 - index}`), 'B']);

    const ords = (await rows(datasetId)).map((row) => row.ord);
    expect(new Set(ords).size).toBe(ords.length);
    expect(ords.at(-1)).toBeGreaterThanOrEqual(bOrd);
    const moves = (await changesAfter(datasetId, seq)).flatMap((change) => change.ops).filter((op) => op.type === 'sample.insert' && op.moved);
    expect(moves.length).toBeGreaterThan(0);
  });

  it('moves packed rows up, never down', async () => {
    const { datasetId } = await makeDataset([]);
    await addPackedRows(datasetId, ['P0', 'P1', 'P2', 'P3', 'Q'], 1000);
    const before = await rows(datasetId);
    const seq = await seqOf(datasetId);

    expect((await edit(datasetId, [insertAfter(before[0]!.id, 'New')])).ok).toBe(true);
    const after = await rows(datasetId);
    expect(after.map((row) => row.name)).toEqual(['P0', 'New', 'P1', 'P2', 'P3', 'Q']);
    for (const row of before) expect(after.find((candidate) => candidate.id === row.id)!.ord).toBeGreaterThanOrEqual(row.ord);
    expect(after.at(-1)!.ord).toBe(before.at(-1)!.ord);

    const op = (await changesAfter(datasetId, seq))[0]!.ops[0]!;
    if (op.type !== 'sample.insert') throw new Error(`expected an insert, got ${op.type}`);
    expect(Object.keys(op.moved ?? {}).sort()).toEqual([before[1]!.id, before[2]!.id, before[3]!.id].sort());
    for (const [id, ord] of Object.entries(op.moved!)) expect(after.find((row) => row.id === id)!.ord).toBe(ord);
  });

  it('moves packed rows at the end past every ord', async () => {
    const { datasetId } = await makeDataset([]);
    await addPackedRows(datasetId, ['P0', 'P1', 'P2']);
    const before = await rows(datasetId);

    expect((await edit(datasetId, [insertAfter(before[0]!.id, 'New')])).ok).toBe(true);
    const after = await rows(datasetId);
    expect(after.map((row) => row.name)).toEqual(['P0', 'New', 'P1', 'P2']);
    expect(after[1]!.ord).toBe(before[1]!.ord);
    expect(after[2]!.ord).toBeGreaterThan(before[2]!.ord);
  });

  it('puts an undone delete after the row that took its ord', async () => {
    const { datasetId, projectId, ids } = await makeDataset(['A', 'B', 'C']);
    const user = await admin.post('/users', { email: `e${randomUUID().slice(0, 6)}@example.org`, displayName: 'Eda Editor', password: 'editor-password' });
    expect((await admin.send('PUT', `/projects/${projectId}/members/${user.body.id}`, { role: 'editor' })).status).toBe(200);
    const editor = await new TestClient(api.url).signIn(user.body.email, 'editor-password');
    const other = await openSocket(api.url, editor.cookie);
    const deletedOrd = (await rows(datasetId))[1]!.ord;

    expect((await edit(datasetId, [{ type: 'sample.delete', sampleId: ids.get('B')! }])).ok).toBe(true);
    // Halfway between A and C is the deleted B's ord.
    const fillsGap = await other.emitWithAck('dataset:edit', {
      datasetId,
      mutationId: randomUUID(),
      baseSeq: await seqOf(datasetId),
      ops: [insertAfter(ids.get('A')!, 'X')],
    });
    other.disconnect();
    expect(fillsGap.ok).toBe(true);
    expect((await rows(datasetId))[1]!.ord).toBe(deletedOrd);

    const undone = await socket.emitWithAck('dataset:undo', { datasetId, mutationId: randomUUID() });
    expect(undone.ok).toBe(true);
    const after = await rows(datasetId);
    expect(after.map((row) => row.name)).toEqual(['A', 'X', 'B', 'C']);
    expect(new Set(after.map((row) => row.ord)).size).toBe(4);
  });

  it('rejects an anchor that never existed', async () => {
    const { datasetId } = await makeDataset(['A']);
    const ack = await edit(datasetId, [insertAfter(randomUUID(), 'X')]);
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('validation_failed');
    expect(ack.error.message).toContain('ops.0.afterId: no sample');
  });

  it('reports an anchor deleted meanwhile as a conflict', async () => {
    const { datasetId, ids } = await makeDataset(['A', 'B']);
    const baseSeq = await seqOf(datasetId);
    expect((await edit(datasetId, [{ type: 'sample.delete', sampleId: ids.get('A')! }])).ok).toBe(true);

    const ack = await edit(datasetId, [insertAfter(ids.get('A')!, 'X')], baseSeq);
    expect(ack.ok).toBe(false);
    expect(ack.conflicts).toEqual([expect.objectContaining({ opIndex: 0, reason: 'deleted', sampleId: ids.get('A') })]);
    expect((await rows(datasetId)).map((row) => row.name)).toEqual(['B']);
  });
});

describe('inserting and deleting in one edit', () => {
  const deleteRow = (sampleId: string): EditOp => ({ type: 'sample.delete', sampleId });

  it('places row at deleted anchor', async () => {
    for (const order of ['insert first', 'delete first'] as const) {
      const { datasetId, ids } = await makeDataset(['A', 'B', 'C']);
      const before = await rows(datasetId);
      const insert = insertAfter(ids.get('B')!, 'N');
      const ops = order === 'insert first' ? [insert, deleteRow(ids.get('B')!)] : [deleteRow(ids.get('B')!), insert];

      const ack = await edit(datasetId, ops);
      expect(ack, order).toMatchObject({ ok: true, conflicts: [] });
      const after = await rows(datasetId);
      expect(after.map((row) => row.name), order).toEqual(['A', 'N', 'C']);
      expect(after[1]!.ord, order).toBeGreaterThan(before[0]!.ord);
      expect(after[1]!.ord, order).toBeLessThan(before[2]!.ord);

      expect(await socket.emitWithAck('dataset:undo', { datasetId, mutationId: randomUUID() }), order).toMatchObject({ ok: true, conflicts: [] });
      expect((await rows(datasetId)).map((row) => row.name), order).toEqual(['A', 'B', 'C']);
    }
  });

  it('places row after discarded new row', async () => {
    const { datasetId, ids } = await makeDataset(['A', 'B']);
    const middle = randomUUID();

    const ack = await edit(datasetId, [insertAfter(ids.get('A')!, 'M', middle), insertAfter(middle, 'N'), deleteRow(middle)]);
    expect(ack).toMatchObject({ ok: true, conflicts: [] });
    expect((await rows(datasetId)).map((row) => row.name)).toEqual(['A', 'N', 'B']);
  });

  it('orders inserts at deleted anchor', async () => {
    const { datasetId, ids } = await makeDataset(['A', 'B', 'C']);
    const ops = [deleteRow(ids.get('B')!), insertAfter(ids.get('B')!, 'N1'), insertAfter(ids.get('B')!, 'N2')];

    expect(await edit(datasetId, ops)).toMatchObject({ ok: true, conflicts: [] });
    expect((await rows(datasetId)).map((row) => row.name)).toEqual(['A', 'N2', 'N1', 'C']);
  });

  it('never conflicts with own operations', async () => {
    const { datasetId, ids } = await makeDataset(['A', 'B', 'C']);
    const b = ids.get('B')!;
    const ops: EditOp[] = [deleteRow(b), { type: 'sample.set', sampleId: b, property: 'name', value: 'B2' }, deleteRow(b), insertAfter(b, 'N')];

    const ack = await edit(datasetId, ops);
    expect(ack).toMatchObject({ ok: true, conflicts: [] });
    expect((await rows(datasetId)).map((row) => row.name)).toEqual(['A', 'N', 'C']);
  });

  it('records moved ord of deleted row', async () => {
    for (const order of ['insert first', 'delete first'] as const) {
      const { datasetId } = await makeDataset([]);
      await addPackedRows(datasetId, ['P0', 'P1', 'P2', 'Q'], 1000);
      const before = await rows(datasetId);
      const seq = await seqOf(datasetId);
      const insert = insertAfter(before[0]!.id, 'N');
      const ops = order === 'insert first' ? [insert, deleteRow(before[1]!.id)] : [deleteRow(before[1]!.id), insert];

      expect(await edit(datasetId, ops), order).toMatchObject({ ok: true, conflicts: [] });
      expect((await rows(datasetId)).map((row) => row.name), order).toEqual(['P0', 'N', 'P2', 'Q']);
      const [change] = await changesAfter(datasetId, seq);
      const inserted = change!.ops.find((op) => op.type === 'sample.insert');
      const deleted = change!.ops.find((op) => op.type === 'sample.delete');
      if (inserted?.type !== 'sample.insert' || deleted?.type !== 'sample.delete') throw new Error('expected an insert and a delete');
      // A client applies the ops in order, so the delete names the ord the row has at that point.
      if (order === 'insert first') expect(deleted.before.ord, order).toBe(inserted.moved?.[before[1]!.id]);
      else {
        expect(deleted.before.ord, order).toBe(before[1]!.ord);
        expect(Object.keys(inserted.moved ?? {}), order).not.toContain(before[1]!.id);
      }
    }
  });
});
