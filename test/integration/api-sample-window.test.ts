import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { insertBulkRows } from '../helpers/bulk-rows.js';
import { openSocket, type ClientSocket } from '../helpers/live-client.js';

const ROWS = 2_500;

let api: ApiServer;
let admin: TestClient;
let socket: ClientSocket;
let datasetId: string;

beforeAll(async () => {
  api = await startApiServer();
  admin = await new TestClient(api.url).signIn();
  const project = await admin.post('/projects', { title: 'Window reads' });
  const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Long table', visibility: 'private' });
  datasetId = dataset.body.id;
  await admin.post(`/datasets/${datasetId}/fields`, { label: 'Depth', key: 'depth_m', type: 'number', unit: 'm' });
  await insertBulkRows(api.database.url, datasetId, ROWS);
  socket = await openSocket(api.url, admin.cookie);
});

afterAll(async () => {
  socket?.disconnect();
  await api?.close();
});

const names = (body: { items: { name: string }[] }) => body.items.map((item) => item.name);
const seqOf = async () => (await admin.get(`/datasets/${datasetId}`)).body.seq as number;

describe('sample window API', () => {
  it('reads rows from a position with the count and seq', async () => {
    const seq = await seqOf();

    const first = await admin.get(`/datasets/${datasetId}/samples/window?position=0&limit=3`);
    expect(first.status).toBe(200);
    expect(names(first.body)).toEqual(['R0', 'R1', 'R2']);
    expect(first.body.position).toBe(0);
    expect(first.body.total).toBe(ROWS);
    expect(first.body.seq).toBe(seq);

    const middle = await admin.get(`/datasets/${datasetId}/samples/window?position=1234&limit=2`);
    expect(names(middle.body)).toEqual(['R1234', 'R1235']);
    expect(middle.body.items[0].values).toEqual({ depth_m: 1234 });
    expect(middle.body.items[0].ord).toBeLessThan(middle.body.items[1].ord);

    const end = await admin.get(`/datasets/${datasetId}/samples/window?position=${ROWS - 2}&limit=10`);
    expect(names(end.body)).toEqual([`R${ROWS - 2}`, `R${ROWS - 1}`]);

    const past = await admin.get(`/datasets/${datasetId}/samples/window?position=${ROWS}`);
    expect(past.status).toBe(200);
    expect(past.body.items).toEqual([]);
    expect(past.body.total).toBe(ROWS);
  });

  it('defaults to 100 rows from the first', async () => {
    const response = await admin.get(`/datasets/${datasetId}/samples/window`);
    expect(response.body.position).toBe(0);
    expect(response.body.items).toHaveLength(100);
    expect(response.body.items.at(-1).name).toBe('R99');
  });

  it('shifts positions after a delete and an insert', async () => {
    const before = await admin.get(`/datasets/${datasetId}/samples/window?position=10&limit=1`);
    const deleted = before.body.items[0];
    expect(deleted.name).toBe('R10');

    const ack = await socket.emitWithAck('dataset:edit', {
      datasetId,
      mutationId: randomUUID(),
      baseSeq: before.body.seq,
      ops: [{ type: 'sample.delete', sampleId: deleted.id }],
    });
    expect(ack.ok).toBe(true);
    const afterDelete = await admin.get(`/datasets/${datasetId}/samples/window?position=10&limit=1`);
    expect(names(afterDelete.body)).toEqual(['R11']);
    expect(afterDelete.body.total).toBe(ROWS - 1);
    expect(afterDelete.body.seq).toBe(before.body.seq + 1);

    const created = await admin.post(`/datasets/${datasetId}/samples`, { name: 'Extra' });
    expect(created.status).toBe(201);
    const last = await admin.get(`/datasets/${datasetId}/samples/window?position=${ROWS - 2}&limit=5`);
    expect(names(last.body)).toEqual([`R${ROWS - 1}`, 'Extra']);
    expect(last.body.total).toBe(ROWS);
    expect(last.body.seq).toBe(before.body.seq + 2);
  });

  it('reads the window around a sample', async () => {
    const target = (await admin.get(`/datasets/${datasetId}/samples/window?position=2000&limit=1`)).body.items[0];
    expect(target.name).toBe('R2001');

    const around = await admin.get(`/datasets/${datasetId}/samples/window?around=${target.id}&limit=10&position=7`);
    expect(around.status).toBe(200);
    expect(around.body.position).toBe(1995);
    expect(names(around.body)).toEqual(['R1996', 'R1997', 'R1998', 'R1999', 'R2000', 'R2001', 'R2002', 'R2003', 'R2004', 'R2005']);
    expect(around.body.items[5].id).toBe(target.id);
    expect(around.body.total).toBe(ROWS);

    const firstRows = await admin.get(`/datasets/${datasetId}/samples/window?position=1&limit=1`);
    const nearStart = await admin.get(`/datasets/${datasetId}/samples/window?around=${firstRows.body.items[0].id}&limit=10`);
    expect(nearStart.body.position).toBe(0);
    expect(nearStart.body.items[1].id).toBe(firstRows.body.items[0].id);
  });

  it('answers 404 for a sample of another dataset', async () => {
    const project = await admin.post('/projects', { title: 'Other windows' });
    const other = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Other table', visibility: 'private' });
    const stranger = await admin.post(`/datasets/${other.body.id}/samples`, { name: 'Elsewhere' });

    const response = await admin.get(`/datasets/${datasetId}/samples/window?around=${stranger.body.id}`);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expect(response.body.detail).toContain(stranger.body.id);

    const malformed = await admin.get(`/datasets/${datasetId}/samples/window?around=R10`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('query.around');
  });

  it('rejects a negative position, a repeated position and a limit over 1000', async () => {
    const negative = await admin.get(`/datasets/${datasetId}/samples/window?position=-1`);
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].field).toBe('query.position');

    const repeated = await admin.get(`/datasets/${datasetId}/samples/window?position=1&position=2`);
    expect(repeated.status).toBe(400);
    expect(repeated.body.errors[0].field).toBe('query.position');

    const tooMany = await admin.get(`/datasets/${datasetId}/samples/window?limit=1001`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('query.limit');
  });

  it('rejects numbers written other than as digits', async () => {
    for (const query of ['position=', 'position=%20', 'position=0x10', 'position=1e1', 'limit=1e2', 'limit=']) {
      const response = await admin.get(`/datasets/${datasetId}/samples/window?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.errors[0].field, query).toBe(`query.${query.split('=')[0]}`);
      expect(response.body.errors[0].message, query).toContain('is not a whole number; write digits only');
    }
  });

  it('answers 404 for a private dataset to anonymous visitors', async () => {
    const response = await new TestClient(api.url).get(`/datasets/${datasetId}/samples/window`);
    expect(response.status).toBe(404);
  });
});
