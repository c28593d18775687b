import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditAck } from '../../common/editing/protocol.js';
import type { EditOp } from '../../common/editing/requests.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { openSocket, type ClientSocket } from '../helpers/live-client.js';

let api: ApiServer;
let admin: TestClient;
let editor: TestClient;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  api = await startApiServer();
  admin = await new TestClient(api.url).signIn();
  await admin.post('/users', { email: 'editor@example.org', displayName: 'Eda Editor', password: 'editor-password' });
  editor = await new TestClient(api.url).signIn('editor@example.org', 'editor-password');
});

afterAll(async () => {
  sockets.forEach((socket) => socket.disconnect());
  await api?.close();
});

async function socketOf(client: TestClient): Promise<ClientSocket> {
  const socket = await openSocket(api.url, client.cookie);
  sockets.push(socket);
  return socket;
}

/** Creates a dataset with a number field `depth_m` (unit m), a text field `note`, and two rows. */
async function makeDataset() {
  const project = await admin.post('/projects', { title: `Live ${randomUUID().slice(0, 6)}` });
  const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Cores', visibility: 'private' });
  const datasetId: string = dataset.body.id;
  await api.server.context.knex('project_members').insert({ projectId: project.body.id, userId: await userId('editor@example.org'), role: 'editor' });
  const depth = await admin.post(`/datasets/${datasetId}/fields`, { label: 'Depth', key: 'depth_m', type: 'number', unit: 'm' });
  await admin.post(`/datasets/${datasetId}/fields`, { label: 'Note', key: 'note', type: 'text' });
  const a = await admin.post(`/datasets/${datasetId}/samples`, { name: 'A', values: { depth_m: 1 } });
  const b = await admin.post(`/datasets/${datasetId}/samples`, { name: 'B', values: { depth_m: 2 } });
  const seq = (await admin.get(`/datasets/${datasetId}`)).body.seq as number;
  return { datasetId, projectId: project.body.id as string, depthFieldId: depth.body.id as string, rowA: a.body.id as string, rowB: b.body.id as string, seq };
}

async function userId(email: string): Promise<string> {
  return (await api.server.context.knex('users').whereRaw('lower(email) = ?', [email]).first('id')).id;
}

function edit(socket: ClientSocket, datasetId: string, baseSeq: number, ops: EditOp[], extra: { mutationId?: string; overwrite?: boolean; clientId?: string } = {}): Promise<EditAck> {
  return socket.emitWithAck('dataset:edit', { datasetId, mutationId: extra.mutationId ?? randomUUID(), baseSeq, ops, ...extra });
}

async function row(id: string) {
  return (await admin.get(`/samples/${id}`)).body;
}

describe('conflicts', () => {
  it('rejects an edit of a cell someone changed after the client seq', async () => {
    const world = await makeDataset();
    const [first, second] = [await socketOf(admin), await socketOf(editor)];

    const won = await edit(first, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 10 }]);
    expect(won).toMatchObject({ ok: true, seq: world.seq + 1, conflicts: [] });

    const lost = await edit(second, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 20 }]);
    expect(lost.ok).toBe(false);
    if (lost.ok) return;
    expect(lost.error.code).toBe('conflict');
    expect(lost.conflicts).toHaveLength(1);
    expect(lost.conflicts![0]).toMatchObject({
      opIndex: 0,
      reason: 'changed',
      sampleId: world.rowA,
      cell: 'f:depth_m',
      current: 10,
      seq: world.seq + 1,
      changedBy: { type: 'user', displayName: 'Portal Admin' },
    });
    expect((await row(world.rowA)).values.depth_m).toBe(10);

    const overwritten = await edit(second, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 20 }], { overwrite: true });
    expect(overwritten).toMatchObject({ ok: true, seq: world.seq + 2 });
    expect((await row(world.rowA)).values.depth_m).toBe(20);
  });

  it('merges edits of different cells of one row', async () => {
    const world = await makeDataset();
    const [first, second] = [await socketOf(admin), await socketOf(editor)];

    await edit(first, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 3.5 }]);
    const merged = await edit(second, world.datasetId, world.seq, [
      { type: 'cell.set', sampleId: world.rowA, key: 'note', value: 'cracked' },
      { type: 'sample.set', sampleId: world.rowA, property: 'name', value: '  A-1  ' },
    ]);
    expect(merged).toMatchObject({ ok: true, conflicts: [] });
    const stored = await row(world.rowA);
    expect(stored.values).toEqual({ depth_m: 3.5, note: 'cracked' });
    expect(stored.name).toBe('A-1');
  });

  it('applies the other operations of a partly conflicting edit', async () => {
    const world = await makeDataset();
    const [first, second] = [await socketOf(admin), await socketOf(editor)];
    await edit(first, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 5 }]);

    const partial = await edit(second, world.datasetId, world.seq, [
      { type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 6 },
      { type: 'cell.set', sampleId: world.rowB, key: 'depth_m', value: 7 },
    ]);
    expect(partial).toMatchObject({ ok: true, seq: world.seq + 2 });
    if (!partial.ok) return;
    expect(partial.conflicts.map((conflict) => conflict.opIndex)).toEqual([0]);
    expect((await row(world.rowA)).values.depth_m).toBe(5);
    expect((await row(world.rowB)).values.depth_m).toBe(7);
  });

  it('rejects an edit of a row deleted after the client seq', async () => {
    const world = await makeDataset();
    const [first, second] = [await socketOf(admin), await socketOf(editor)];

    const deleted = await edit(first, world.datasetId, world.seq, [{ type: 'sample.delete', sampleId: world.rowA }]);
    expect(deleted.ok).toBe(true);
    const late = await edit(second, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'note', value: 'too late' }]);
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict' }, conflicts: [{ reason: 'deleted', sampleId: world.rowA, current: null }] });
    expect((await admin.get(`/samples/${world.rowA}`)).status).toBe(404);
  });

  it('rejects deleting a row someone edited after the client seq', async () => {
    const world = await makeDataset();
    const [first, second] = [await socketOf(admin), await socketOf(editor)];

    await edit(first, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowB, key: 'note', value: 'keep me' }]);
    const rejected = await edit(second, world.datasetId, world.seq, [{ type: 'sample.delete', sampleId: world.rowB }]);
    expect(rejected).toMatchObject({ ok: false, conflicts: [{ reason: 'changed', sampleId: world.rowB, cell: 'row' }] });
    expect((await row(world.rowB)).values.note).toBe('keep me');
  });

  it('never conflicts a client with its own earlier edits', async () => {
    const world = await makeDataset();
    const socket = await socketOf(editor);
    const clientId = randomUUID();
    await edit(socket, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'note', value: 'one' }], { clientId });
    const again = await edit(socket, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'note', value: 'two' }], { clientId });
    expect(again).toMatchObject({ ok: true, conflicts: [] });
    expect((await row(world.rowA)).values.note).toBe('two');
  });

  it('applies a retried mutation id once and answers with its first seq', async () => {
    const world = await makeDataset();
    const socket = await socketOf(editor);
    const mutationId = randomUUID();
    const newRow = randomUUID();
    const ops: EditOp[] = [{ type: 'sample.insert', sample: { id: newRow, name: 'C', values: { depth_m: '4.5 m' } } }];

    const first = await edit(socket, world.datasetId, world.seq, ops, { mutationId });
    const retry = await edit(socket, world.datasetId, world.seq, ops, { mutationId });
    expect(first).toMatchObject({ ok: true, seq: world.seq + 1 });
    expect(first).not.toHaveProperty('duplicate');
    expect(retry).toMatchObject({ ok: true, seq: world.seq + 1, duplicate: true });
    const changes = await api.server.context.knex('dataset_changes').where({ datasetId: world.datasetId, mutationId });
    expect(changes).toHaveLength(1);
    expect((await row(newRow)).values).toEqual({ depth_m: 4.5 });
    expect((await admin.get(`/datasets/${world.datasetId}`)).body.sampleCount).toBe(3);
  });
});

describe('broadcast and catch-up', () => {
  it('broadcasts one change with old and new values to the room', async () => {
    const world = await makeDataset();
    const [writer, viewer] = [await socketOf(editor), await socketOf(admin)];
    await viewer.emitWithAck('dataset:join', { datasetId: world.datasetId });
    const arrived = new Promise((resolve) => viewer.once('dataset:change', resolve));

    const mutationId = randomUUID();
    await edit(writer, world.datasetId, world.seq, [
      { type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 8 },
      { type: 'sample.set', sampleId: world.rowA, property: 'location', value: { type: 'Point', coordinates: [8.1234567891234, 46.5] } },
    ], { mutationId });
    expect(await arrived).toMatchObject({
      seq: world.seq + 1,
      mutationId,
      author: { type: 'user', displayName: 'Eda Editor' },
      ops: [
        { type: 'cell.set', sampleId: world.rowA, key: 'depth_m', before: 1, after: 8 },
        { type: 'sample.set', sampleId: world.rowA, property: 'location', before: null, after: { type: 'Point', coordinates: [8.123456789, 46.5] } },
      ],
    });
    expect((await row(world.rowA)).location).toEqual({ type: 'Point', coordinates: [8.123456789, 46.5] });
    expect((await admin.get(`/datasets/${world.datasetId}`)).body.locatedCount).toBe(1);
  });

  it('replays missed changes and asks for a refetch past the replay limit', async () => {
    const world = await makeDataset();
    const socket = await socketOf(editor);
    await edit(socket, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'note', value: 'x' }]);
    const replay = await socket.emitWithAck('dataset:sync', { datasetId: world.datasetId, afterSeq: world.seq - 1 });
    expect(replay).toMatchObject({ ok: true, refetch: false, seq: world.seq + 1 });
    if (!replay.ok) return;
    expect(replay.changes.map((change) => change.seq)).toEqual([world.seq, world.seq + 1]);

    await api.server.context.knex('datasets').where({ id: world.datasetId }).update({ seq: world.seq + 600 });
    const tooFar = await socket.emitWithAck('dataset:sync', { datasetId: world.datasetId, afterSeq: world.seq });
    expect(tooFar).toEqual({ ok: true, refetch: true, seq: world.seq + 600, changes: [] });
  });

  it('reads rows by id for a grid that refetches what it shows', async () => {
    const world = await makeDataset();
    const response = await admin.post(`/datasets/${world.datasetId}/samples/lookup`, { ids: [world.rowB, randomUUID(), world.rowA] });
    expect(response.status).toBe(200);
    expect(response.body.items.map((item: { name: string }) => item.name)).toEqual(['A', 'B']);
  });
});

describe('fields', () => {
  it('adds, renames, retypes and removes fields, and undo brings a removed field back', async () => {
    const world = await makeDataset();
    const socket = await socketOf(editor);
    const fieldId = randomUUID();
    let seq = world.seq;

    const added = await edit(socket, world.datasetId, seq, [
      { type: 'field.insert', field: { id: fieldId, label: 'Core count', type: 'text' } },
      { type: 'cell.set', sampleId: world.rowA, key: 'core_count', value: '12' },
    ]);
    expect(added).toMatchObject({ ok: true });
    seq += 1;
    const renamed = await edit(socket, world.datasetId, seq, [{ type: 'field.update', fieldId, changes: { label: 'Cores' } }]);
    expect(renamed.ok).toBe(true);
    seq += 1;
    const retyped = await edit(socket, world.datasetId, seq, [{ type: 'field.retype', fieldId, fieldType: 'integer' }]);
    expect(retyped.ok).toBe(true);
    seq += 1;
    expect((await row(world.rowA)).values.core_count).toBe(12);
    const fields = (await admin.get(`/datasets/${world.datasetId}/fields`)).body.items;
    expect(fields.find((field: { id: string }) => field.id === fieldId)).toMatchObject({ key: 'core_count', label: 'Cores', type: 'integer' });

    const removed = await edit(socket, world.datasetId, seq, [{ type: 'field.delete', fieldId }]);
    expect(removed.ok).toBe(true);
    expect((await row(world.rowA)).values).toEqual({ depth_m: 1 });

    const undone = await socket.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() });
    expect(undone).toMatchObject({ ok: true, undoDepth: 3, redoDepth: 1 });
    expect((await row(world.rowA)).values).toEqual({ depth_m: 1, core_count: 12 });

    const retypeBack = await socket.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() });
    expect(retypeBack.ok).toBe(true);
    expect((await row(world.rowA)).values.core_count).toBe('12');
  });

  it('rejects a retype whose values do not convert, naming them', async () => {
    const world = await makeDataset();
    const socket = await socketOf(editor);
    await edit(socket, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'note', value: 'not a number' }]);
    const fieldId = (await admin.get(`/datasets/${world.datasetId}/fields`)).body.items.find((field: { key: string }) => field.key === 'note').id;
    const rejected = await edit(socket, world.datasetId, world.seq + 1, [{ type: 'field.retype', fieldId, fieldType: 'number' }]);
    expect(rejected).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (rejected.ok) return;
    expect(rejected.error.message).toContain('"not a number" cannot be converted to number');
  });
});

describe('coordinates as written', () => {
  async function writtenWorld() {
    const world = await makeDataset();
    const created = await admin.post(`/datasets/${world.datasetId}/samples`, { name: 'Geneva', location: { type: 'Point', coordinates: [6.55, 46.45] }, locationText: '46.4500, 6.5500' });
    const seq = (await admin.get(`/datasets/${world.datasetId}`)).body.seq as number;
    return { ...world, sampleId: created.body.id as string, seq };
  }

  it('clears them when an edit moves the sample, undoably', async () => {
    const world = await writtenWorld();
    const socket = await socketOf(admin);
    const moved = { type: 'Point', coordinates: [14.4, 50.1] };
    expect(await edit(socket, world.datasetId, world.seq, [{ type: 'sample.set', sampleId: world.sampleId, property: 'location', value: moved }])).toMatchObject({ ok: true });
    expect(await row(world.sampleId)).toMatchObject({ location: moved, locationText: null });
    const change = await api.server.context.knex('dataset_changes').where({ datasetId: world.datasetId, seq: world.seq + 1 }).first('ops');
    expect(change.ops).toEqual([
      expect.objectContaining({ type: 'sample.set', property: 'location', after: moved }),
      { type: 'sample.set', sampleId: world.sampleId, property: 'locationText', before: '46.4500, 6.5500', after: null },
    ]);

    expect(await socket.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() })).toMatchObject({ ok: true });
    expect(await row(world.sampleId)).toMatchObject({ location: { type: 'Point', coordinates: [6.55, 46.45] }, locationText: '46.4500, 6.5500' });
  });

  it('clears them when the REST API moves the sample without new ones', async () => {
    const world = await writtenWorld();
    const renamed = await admin.patch(`/samples/${world.sampleId}`, { name: 'Lake Geneva' });
    expect(renamed.body.locationText).toBe('46.4500, 6.5500');
    const moved = await admin.patch(`/samples/${world.sampleId}`, { location: { type: 'Point', coordinates: [14.4, 50.1] } });
    expect(moved.body).toMatchObject({ location: { type: 'Point', coordinates: [14.4, 50.1] }, locationText: null });
    const written = await admin.patch(`/samples/${world.sampleId}`, { location: { type: 'Point', coordinates: [6.55, 46.45] }, locationText: '46°27′N 6°33′E' });
    expect(written.body.locationText).toBe('46°27′N 6°33′E');
  });
});

describe('undo and redo', () => {
  it('undoes and redoes the user own changes on the server', async () => {
    const world = await makeDataset();
    const socket = await socketOf(editor);
    await edit(socket, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 9 }]);
    const inserted = randomUUID();
    await edit(socket, world.datasetId, world.seq + 1, [{ type: 'sample.insert', sample: { id: inserted, name: 'New' } }]);

    expect(await socket.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() })).toMatchObject({ ok: true, undoDepth: 1, redoDepth: 1 });
    expect((await admin.get(`/samples/${inserted}`)).status).toBe(404);
    expect(await socket.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() })).toMatchObject({ ok: true, undoDepth: 0, redoDepth: 2 });
    expect((await row(world.rowA)).values.depth_m).toBe(1);

    expect(await socket.emitWithAck('dataset:redo', { datasetId: world.datasetId, mutationId: randomUUID() })).toMatchObject({ ok: true, undoDepth: 1, redoDepth: 1 });
    expect((await row(world.rowA)).values.depth_m).toBe(9);
    expect(await socket.emitWithAck('dataset:redo', { datasetId: world.datasetId, mutationId: randomUUID() })).toMatchObject({ ok: true });
    expect((await row(inserted)).name).toBe('New');

    const nothing = await socket.emitWithAck('dataset:redo', { datasetId: world.datasetId, mutationId: randomUUID() });
    expect(nothing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('asks before undoing over someone else change, and overwrites when confirmed', async () => {
    const world = await makeDataset();
    const [mine, theirs] = [await socketOf(editor), await socketOf(admin)];
    await edit(mine, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowB, key: 'note', value: 'mine' }]);
    await edit(theirs, world.datasetId, world.seq + 1, [{ type: 'cell.set', sampleId: world.rowB, key: 'note', value: 'theirs' }]);

    const undone = await mine.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() });
    expect(undone).toMatchObject({ ok: false, error: { code: 'conflict' }, conflicts: [{ cell: 'f:note', current: 'theirs', changedBy: { displayName: 'Portal Admin' } }] });
    // The conflict also carries what the undo would put back: row B had no note before.
    expect(undone.ok ? null : undone.conflicts?.[0]).toHaveProperty('proposed', null);
    expect((await row(world.rowB)).values.note).toBe('theirs');

    const forced = await mine.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID(), overwrite: true });
    expect(forced.ok).toBe(true);
    expect((await row(world.rowB)).values.note).toBeUndefined();
  });

  it('restores a deleted row with its place and measurements', async () => {
    const world = await makeDataset();
    const socket = await socketOf(editor);
    await admin.post(`/samples/${world.rowA}/measurements`, { fieldId: world.depthFieldId, valueNumber: 0.5, unit: 'm' });
    const before = await row(world.rowA);
    const seq = (await admin.get(`/datasets/${world.datasetId}`)).body.seq;
    expect(await edit(socket, world.datasetId, seq, [{ type: 'sample.delete', sampleId: world.rowA }])).toMatchObject({ ok: true });
    expect((await admin.get(`/samples/${world.rowA}`)).status).toBe(404);

    expect((await socket.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() })).ok).toBe(true);
    const restored = await row(world.rowA);
    expect(restored).toMatchObject({ id: world.rowA, ord: before.ord, name: 'A', values: { depth_m: 1 } });
    const measurements = await admin.get(`/samples/${world.rowA}/measurements`);
    expect(measurements.body.items).toHaveLength(1);
  });
});

describe('cell history', () => {
  it('lists who changed a cell, when, with old and new values', async () => {
    const world = await makeDataset();
    const [first, second] = [await socketOf(editor), await socketOf(admin)];
    await edit(first, world.datasetId, world.seq, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 11 }]);
    await edit(second, world.datasetId, world.seq + 1, [{ type: 'cell.set', sampleId: world.rowA, key: 'depth_m', value: 12 }]);

    const history = await admin.get(`/datasets/${world.datasetId}/samples/${world.rowA}/history?cell=f:depth_m`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((entry: { oldValue: unknown; newValue: unknown }) => [entry.oldValue, entry.newValue])).toEqual([
      [11, 12],
      [1, 11],
      [null, 1],
      [null, true],
    ]);
    expect(history.body.items[0].author).toMatchObject({ type: 'user', displayName: 'Portal Admin' });
    expect(history.body.items[1].author).toMatchObject({ type: 'user', displayName: 'Eda Editor' });
    expect(history.body.items[3]).toMatchObject({ cell: 'row', kind: 'edit' });
  });
});

describe('shapes and the locations on them', () => {
  const plot = { type: 'Polygon', coordinates: [[[0, 40], [20, 40], [20, 50], [0, 50], [0, 40]]] };
  const movedPlot = { type: 'Polygon', coordinates: [[[30, 10], [40, 10], [40, 20], [30, 20], [30, 10]]] };

  /** Creates a dataset with a geometry field `plot`, a sample located inside its plot, and one placed away from it. */
  async function shapeWorld() {
    const project = await admin.post('/projects', { title: `Shapes ${randomUUID().slice(0, 6)}` });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Plots', visibility: 'private' });
    const datasetId: string = dataset.body.id;
    await admin.post(`/datasets/${datasetId}/fields`, { label: 'Plot', key: 'plot', type: 'geometry' });
    const inside = await admin.post(`/datasets/${datasetId}/samples`, { name: 'On', location: { type: 'Point', coordinates: [10, 45] }, values: { plot } });
    const away = await admin.post(`/datasets/${datasetId}/samples`, { name: 'Off', location: { type: 'Point', coordinates: [60, 60] }, values: { plot } });
    const seq = (await admin.get(`/datasets/${datasetId}`)).body.seq as number;
    return { datasetId, inside: inside.body.id as string, away: away.body.id as string, seq };
  }

  /** Tells whether PostGIS finds the sample's location on its plot. */
  async function locatedOnPlot(sampleId: string): Promise<boolean> {
    const result = await api.server.context.knex.raw(`SELECT ST_Intersects(location, ST_GeomFromGeoJSON(values->>'plot')) AS on FROM samples WHERE id = ?`, [sampleId]);
    return result.rows[0].on as boolean;
  }

  it('moves a location with its shape, undoably', async () => {
    const world = await shapeWorld();
    const socket = await socketOf(admin);
    const ack = await edit(socket, world.datasetId, world.seq, [
      { type: 'cell.set', sampleId: world.inside, key: 'plot', value: movedPlot },
      { type: 'cell.set', sampleId: world.away, key: 'plot', value: movedPlot },
    ]);
    expect(ack).toMatchObject({ ok: true, conflicts: [] });
    expect(await locatedOnPlot(world.inside)).toBe(true);
    expect((await row(world.away)).location).toEqual({ type: 'Point', coordinates: [60, 60] });

    const change = await api.server.context.knex('dataset_changes').where({ datasetId: world.datasetId, seq: world.seq + 1 }).first('ops');
    expect(change.ops.map((op: { type: string; property?: string }) => [op.type, op.property ?? null])).toEqual([
      ['cell.set', null],
      ['sample.set', 'location'],
      ['cell.set', null],
    ]);

    expect(await socket.emitWithAck('dataset:undo', { datasetId: world.datasetId, mutationId: randomUUID() })).toMatchObject({ ok: true });
    expect((await row(world.inside)).location).toEqual({ type: 'Point', coordinates: [10, 45] });
    expect((await row(world.inside)).values.plot).toEqual(plot);
  });

  it('moves the location with a shape changed through the REST API', async () => {
    const world = await shapeWorld();
    const updated = await admin.patch(`/samples/${world.inside}`, { values: { plot: movedPlot } });
    expect(updated.status).toBe(200);
    expect(await locatedOnPlot(world.inside)).toBe(true);
    expect((await admin.patch(`/samples/${world.away}`, { values: { plot: movedPlot } })).status).toBe(200);
    expect((await row(world.away)).location).toEqual({ type: 'Point', coordinates: [60, 60] });

    // A location sent with the shape wins over the one on the shape.
    const placed = await admin.patch(`/samples/${world.inside}`, { values: { plot }, location: { type: 'Point', coordinates: [70, 70] } });
    expect(placed.body.location).toEqual({ type: 'Point', coordinates: [70, 70] });
  });

  it('keeps a location cleared with the shape', async () => {
    const world = await shapeWorld();
    const cleared = await admin.patch(`/samples/${world.inside}`, { values: { plot: movedPlot }, location: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.location).toBeNull();

    const other = await admin.post(`/datasets/${world.datasetId}/samples`, { name: 'Pasted', location: { type: 'Point', coordinates: [10, 45] }, values: { plot } });
    const socket = await socketOf(admin);
    const seq = (await admin.get(`/datasets/${world.datasetId}`)).body.seq as number;
    const ack = await edit(socket, world.datasetId, seq, [
      { type: 'sample.set', sampleId: other.body.id, property: 'location', value: null },
      { type: 'cell.set', sampleId: other.body.id, key: 'plot', value: movedPlot },
    ]);
    expect(ack).toMatchObject({ ok: true, conflicts: [] });
    expect((await row(other.body.id)).location).toBeNull();
  });

  it('locates a new sample on its shape', async () => {
    const world = await shapeWorld();
    const created = await admin.post(`/datasets/${world.datasetId}/samples`, { name: 'Posted', values: { plot: movedPlot } });
    expect(created.status).toBe(201);
    expect(await locatedOnPlot(created.body.id)).toBe(true);

    const inserted = randomUUID();
    const socket = await socketOf(admin);
    const seq = (await admin.get(`/datasets/${world.datasetId}`)).body.seq as number;
    const ack = await edit(socket, world.datasetId, seq, [{ type: 'sample.insert', sample: { id: inserted, name: 'Typed', values: { plot: movedPlot } } }]);
    expect(ack).toMatchObject({ ok: true, conflicts: [] });
    expect(await locatedOnPlot(inserted)).toBe(true);
  });
});
