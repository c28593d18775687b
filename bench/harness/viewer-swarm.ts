/**
 * Holds many Socket.IO viewers in a room, in a process of its own so that receiving their
 * broadcasts does not delay the benchmark's own probe. Prints "ready" once every viewer joined.
 * Environment: URL, COUNT, MODE (`fairport`: join a dataset room; `bare`: join a bare room), ROOM.
 */
import { io, type Socket } from 'socket.io-client';

const url = process.env.URL!;
const count = Number(process.env.COUNT);
const mode = process.env.MODE === 'bare' ? 'bare' : 'fairport';
const room = process.env.ROOM!;
const sockets: Socket[] = [];
const BATCH = 50;

async function joinOne(): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  if (mode === 'bare') await socket.timeout(10_000).emitWithAck('join', room);
  else {
    const ack = (await socket.timeout(10_000).emitWithAck('dataset:join', { datasetId: room })) as { ok: boolean };
    if (!ack.ok) throw new Error(`joining the room failed: ${JSON.stringify(ack)}`);
  }
}

for (let joined = 0; joined < count; joined += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, count - joined) }, () => joinOne()));
}
process.stdout.write('ready\n');

const stop = () => {
  for (const socket of sockets) socket.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
