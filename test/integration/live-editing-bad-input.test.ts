import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditAck } from '../../common/editing/protocol.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { openSocket, type ClientSocket } from '../helpers/live-client.js';

let api: ApiServer;
let admin: TestClient;
let datasetId: string;
let rowId: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  // A low limit keeps the flood short; the limiter itself is the one production uses.
  api = await startApiServer({ EDIT_RATE_PER_SECOND: '20' });
  admin = await new TestClient(api.url).signIn();
  const project = await admin.post('/projects', { title: 'Bad input' });
  const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Private', visibility: 'private' });
  datasetId = dataset.body.id;
  await admin.post(`/datasets/${datasetId}/fields`, { label: 'Depth', key: 'depth_m', type: 'number', unit: 'm' });
  rowId = (await admin.post(`/datasets/${datasetId}/samples`, { name: 'A', values: { depth_m: 1 } })).body.id;

  await admin.post('/users', { email: 'viewer@example.org', displayName: 'Vi Viewer', password: 'viewer-password' });
  await admin.post('/users', { email: 'outsider@example.org', displayName: 'Out Sider', password: 'outsider-password' });
  const viewerId = (await api.server.context.knex('users').where({ email: 'viewer@example.org' }).first('id')).id;
  await api.server.context.knex('project_members').insert({ projectId: project.body.id, userId: viewerId, role: 'viewer' });
});

afterAll(async () => {
  sockets.forEach((socket) => socket.disconnect());
  await api?.close();
});

async function socketAs(email?: string, password?: string): Promise<ClientSocket> {
  const cookie = email ? (await new TestClient(api.url).signIn(email, password)).cookie : '';
  const socket = await openSocket(api.url, cookie);
  sockets.push(socket);
  return socket;
}

function setDepth(socket: ClientSocket, value: unknown, sampleId = rowId, extra: Record<string, unknown> = {}): Promise<EditAck> {
  return socket.emitWithAck('dataset:edit', {
    datasetId,
    mutationId: randomUUID(),
    baseSeq: 0,
    ops: [{ type: 'cell.set', sampleId, key: 'depth_m', value: value as number }],
    overwrite: true,
    ...extra,
  });
}

async function datasetState() {
  const dataset = (await admin.get(`/datasets/${datasetId}`)).body;
  const sample = (await admin.get(`/samples/${rowId}`)).body;
  return { seq: dataset.seq, sampleCount: dataset.sampleCount, values: sample.values };
}

describe('edits that must be rejected', () => {
  it('rejects edits by users who may not edit, with the policy code', async () => {
    const before = await datasetState();
    expect(await setDepth(await socketAs(), 5)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await setDepth(await socketAs('viewer@example.org', 'viewer-password'), 5)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await setDepth(await socketAs('outsider@example.org', 'outsider-password'), 5)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await datasetState()).toEqual(before);
  });

  it('rejects rows that do not exist, wrong types and wrong units', async () => {
    const socket = await socketAs('admin@example.org', 'test-admin-password');
    const before = await datasetState();

    const missing = await setDepth(socket, 5, randomUUID());
    expect(missing).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!missing.ok) expect(missing.error.message).toContain('ops.0.sampleId: no sample');

    const wrongType = await setDepth(socket, 'deep');
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!wrongType.ok) expect(wrongType.error.message).toContain('expected a number');

    const wrongUnit = await setDepth(socket, '12 ft');
    expect(wrongUnit).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!wrongUnit.ok) expect(wrongUnit.error.message).toContain('the unit "ft" does not match the field\'s unit "m"');

    const unknownField = await socket.emitWithAck('dataset:edit', {
      datasetId,
      mutationId: randomUUID(),
      baseSeq: 0,
      ops: [{ type: 'cell.set', sampleId: rowId, key: 'salinity', value: 3 }],
    });
    expect(unknownField).toMatchObject({ ok: false, error: { code: 'validation_failed' } });

    // One invalid operation rejects the whole edit: the valid first one is not applied.
    const mixed = await socket.emitWithAck('dataset:edit', {
      datasetId,
      mutationId: randomUUID(),
      baseSeq: before.seq,
      ops: [
        { type: 'cell.set', sampleId: rowId, key: 'depth_m', value: 7 },
        { type: 'sample.set', sampleId: rowId, property: 'location', value: { type: 'Point', coordinates: [200, 0] } },
      ],
    });
    expect(mixed).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await datasetState()).toEqual(before);
  });

  it('rejects malformed payloads with a typed error', async () => {
    const socket = await socketAs('admin@example.org', 'test-admin-password');
    for (const payload of [null, 'edit', { datasetId }, { datasetId, mutationId: 'x', baseSeq: 0, ops: [] }, { datasetId, mutationId: randomUUID(), baseSeq: -1, ops: [{ type: 'cell.set' }] }]) {
      const ack = await socket.emitWithAck('dataset:edit', payload as never);
      expect(ack).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    const tooMany = Array.from({ length: 2001 }, () => ({ type: 'cell.set' as const, sampleId: rowId, key: 'depth_m', value: 1 }));
    expect(await socket.emitWithAck('dataset:edit', { datasetId, mutationId: randomUUID(), baseSeq: 0, ops: tooMany })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(socket.connected).toBe(true);
  });

  it('rejects an oversized edit and keeps the connection', async () => {
    const socket = await socketAs('admin@example.org', 'test-admin-password');
    const before = await datasetState();
    const huge = 'x'.repeat(300 * 1024);
    const ack = await socket.emitWithAck('dataset:edit', {
      datasetId,
      mutationId: randomUUID(),
      baseSeq: 0,
      ops: [{ type: 'cell.set', sampleId: rowId, key: 'depth_m', value: huge }],
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(socket.connected).toBe(true);
    expect(await setDepth(socket, 2)).toMatchObject({ ok: true });
    expect((await datasetState()).seq).toBe(before.seq + 1);
  });

  it('rejects text the database cannot store', async () => {
    const socket = await socketAs('admin@example.org', 'test-admin-password');
    const before = await datasetState();
    const cases = [
      { property: 'name', value: 'A\u0000B', message: 'request.ops.0.value: contains a NUL character (U+0000)' },
      { property: 'locationText', value: '12\u0000N', message: 'request.ops.0.value: contains a NUL character (U+0000)' },
      { property: 'name', value: 'A\uD800B', message: 'request.ops.0.value: contains an unpaired UTF-16 surrogate' },
    ];
    for (const { property, value, message } of cases) {
      const ack = await socket.emitWithAck('dataset:edit', {
        datasetId,
        mutationId: randomUUID(),
        baseSeq: before.seq,
        ops: [{ type: 'sample.set', sampleId: rowId, property: property as 'name', value }],
      });
      expect(ack, property).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      if (!ack.ok) expect(ack.error.message, property).toContain(message);
    }
    expect(await datasetState()).toEqual(before);
  });

  it('rejects ids and IGSNs that other samples have', async () => {
    const socket = await socketAs('admin@example.org', 'test-admin-password');
    const project = await admin.post('/projects', { title: 'Other samples' });
    const other = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Other', visibility: 'private' });
    const taken = (await admin.post(`/datasets/${other.body.id}/samples`, { name: 'Taken', igsn: 'IETAKEN01' })).body;
    const before = await datasetState();
    const edit = (ops: unknown[]) => socket.emitWithAck('dataset:edit', { datasetId, mutationId: randomUUID(), baseSeq: before.seq, ops: ops as never });

    const sameId = await edit([{ type: 'sample.insert', sample: { id: taken.id, name: 'Copy' } }]);
    expect(sameId).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!sameId.ok) expect(sameId.error.message).toContain('ops.0.sample.id: a sample with this id exists or existed; make a new id');

    // IGSNs are compared without regard to case.
    const sameIgsn = await edit([{ type: 'sample.set', sampleId: rowId, property: 'igsn', value: 'ietaken01' }]);
    expect(sameIgsn).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!sameIgsn.ok) expect(sameIgsn.error.message).toContain('ops.0.value: another sample already has the IGSN "ietaken01"');

    const twice = await edit([
      { type: 'sample.set', sampleId: rowId, property: 'igsn', value: 'IETWICE01' },
      { type: 'sample.insert', sample: { id: randomUUID(), name: 'Twin', igsn: 'IETWICE01' } },
    ]);
    expect(twice).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!twice.ok) expect(twice.error.message).toContain('ops.1.sample.igsn: another sample already has the IGSN "IETWICE01"');

    expect(await datasetState()).toEqual(before);
    expect((await admin.get(`/samples/${taken.id}`)).body).toMatchObject({ datasetId: other.body.id, name: 'Taken' });
  });

  it('reads sample ids in any letter case', async () => {
    const socket = await socketAs('admin@example.org', 'test-admin-password');
    const before = await datasetState();
    const newId = randomUUID();
    const ack = await socket.emitWithAck('dataset:edit', {
      datasetId,
      mutationId: randomUUID(),
      baseSeq: before.seq,
      ops: [
        { type: 'cell.set', sampleId: rowId.toUpperCase(), key: 'depth_m', value: 4 },
        { type: 'sample.insert', sample: { id: newId.toUpperCase(), name: 'Upper' }, afterId: rowId.toUpperCase() },
        { type: 'cell.set', sampleId: newId, key: 'depth_m', value: 5 },
      ],
    });
    expect(ack).toMatchObject({ ok: true, conflicts: [] });
    expect((await datasetState()).values).toEqual({ depth_m: 4 });
    expect((await admin.get(`/samples/${newId}`)).body).toMatchObject({ name: 'Upper', values: { depth_m: 5 } });
  });

  it('rate-limits a flood of edits per user across sockets and keeps both connected', async () => {
    const first = await socketAs('admin@example.org', 'test-admin-password');
    const second = await socketAs('admin@example.org', 'test-admin-password');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = await datasetState();

    const acks = await Promise.all(
      Array.from({ length: 60 }, (_, index) => setDepth(index % 2 === 0 ? first : second, index, rowId)),
    );
    const applied = acks.filter((ack) => ack.ok);
    const limited = acks.filter((ack) => !ack.ok && ack.error.code === 'rate_limited');
    expect(applied.length + limited.length).toBe(60);
    expect(limited.length).toBeGreaterThanOrEqual(20);
    expect(applied.length).toBeLessThanOrEqual(40);
    const after = await datasetState();
    expect(after.seq).toBe(before.seq + applied.length);
    expect(first.connected).toBe(true);
    expect(second.connected).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await setDepth(first, 3)).toMatchObject({ ok: true });
  });
});
