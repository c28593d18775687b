import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from '../helpers/live-client.js';
import { createLiveDataset, expectClientsMatchDatabase, waitUntilSettled } from '../helpers/live-world.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
let cookie: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  // Three clients of one user edit at about 200 edits a second; the default per-user limit would reject most.
  // A short presence time-to-live lets the test see viewers of a killed node expire.
  stack = await startStack({ servers: 2, workers: 0, env: { EDIT_RATE_PER_SECOND: '1000', PRESENCE_TTL_MS: '2000' } });
  cookie = await stack.signIn();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await stack?.stop();
});

async function open(urls: string[], datasetId: string): Promise<LiveClient> {
  const client = await LiveClient.open(urls, cookie, datasetId);
  clients.push(client);
  return client;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('two server nodes', () => {
  it('shows an edit made on one node to viewers on the other, with presence', async () => {
    const { datasetId } = await createLiveDataset(stack.urls[0]!, cookie, 3);
    const [nodeA, nodeB] = stack.urls as [string, string];
    const writer = await open([nodeA], datasetId);
    const viewer = await open([nodeB], datasetId);
    const rowId = writer.table.committedRows()[1]!.id;

    const ack = await writer.edit([{ type: 'cell.set', sampleId: rowId, key: 'note', value: 'seen on B' }]);
    expect(ack).toMatchObject({ ok: true });
    await until(() => viewer.table.committedRows()[1]?.values.note === 'seen on B', 'the viewer on node B has the edit');
    expect(viewer.received.at(-1)).toMatchObject({ mutationId: expect.stringContaining(writer.clientId), author: { displayName: 'Portal Admin' } });

    writer.socket.volatile.emit('presence:update', { datasetId, focus: { sampleId: rowId, column: 'field:note', editing: true } });
    await until(() => viewer.viewers.get(writer.socket.id!)?.focus?.column === 'field:note', 'the viewer sees the writer focus');
    expect(viewer.viewers.get(writer.socket.id!)).toMatchObject({ name: 'Portal Admin', focus: { sampleId: rowId, editing: true } });

    const writerSocketId = writer.socket.id!;
    await writer.close();
    await until(() => !viewer.viewers.has(writerSocketId), 'the writer leaves the presence list');
  });

  it('loses no edit and applies none twice when a node is killed mid-editing', async () => {
    const { datasetId } = await createLiveDataset(stack.urls[0]!, cookie, 12);
    const [nodeA, nodeB] = stack.urls as [string, string];
    const team = [await open([nodeA, nodeB], datasetId), await open([nodeA, nodeB], datasetId), await open([nodeB, nodeA], datasetId)];
    const rows = team[0]!.table.committedRows().map((row) => row.id);
    const sent = new Map<LiveClient, Set<string>>(team.map((client) => [client, new Set<string>()]));

    // Each client edits its own rows, so no edit conflicts and every one must be applied exactly once.
    const editLoop = async (client: LiveClient, index: number) => {
      for (let round = 0; round < 30; round += 1) {
        const sampleId = rows[(round * team.length + index) % rows.length]!;
        void client.edit([{ type: 'cell.set', sampleId, key: 'count', value: index * 1000 + round }]);
        sent.get(client)!.add(client.table.unacknowledged().at(-1)!.mutationId);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    };
    const editing = Promise.all(team.map((client, index) => editLoop(client, index)));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const onKilledNode = [team[0]!.socket.id!, team[1]!.socket.id!];
    await until(() => onKilledNode.every((id) => team[2]!.viewers.has(id)), 'the viewer on node B sees both viewers of node A');
    stack.servers[0]!.child.kill('SIGKILL');
    await editing;

    const seq = await waitUntilSettled(team, nodeB, cookie, datasetId);
    await expectClientsMatchDatabase(team, nodeB, cookie, datasetId);
    expect(team.every((client) => client.url === nodeB)).toBe(true);

    const applied = await fetch(`${nodeB}/api/v1/datasets/${datasetId}/changes?after=0&limit=1000`, { headers: { cookie } });
    const changes = ((await applied.json()) as { items: { mutationId: string | null; seq: number }[] }).items;
    const mutationIds = changes.map((change) => change.mutationId).filter((id): id is string => id !== null);
    expect(new Set(mutationIds).size).toBe(mutationIds.length);
    for (const [client, ids] of sent) {
      expect(ids.size, `edits sent by ${client.clientId}`).toBe(30);
      expect(mutationIds.filter((id) => ids.has(id)).sort(), `edits of ${client.clientId} in the change log`).toEqual([...ids].sort());
    }
    expect(changes.at(-1)!.seq).toBe(seq);

    // The killed node could not say that its viewers left; their presence expires instead.
    await until(() => onKilledNode.every((id) => !team[2]!.viewers.has(id)), 'the viewers of the killed node leave the presence list');
  }, 60_000);
});
