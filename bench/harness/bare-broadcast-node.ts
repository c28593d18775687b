/**
 * A bare Socket.IO node for the edit-latency baseline: the same Socket.IO version and Redis
 * adapter as the portal, but no session, database or validation. A `relay` event is broadcast
 * to the room at once, which is the least any live edit must cost across two nodes.
 * Environment: PORT, REDIS_URL (default local), ADAPTER_KEY (the adapter's channel prefix).
 */
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pub = new Redis(redisUrl);
const sub = new Redis(redisUrl);
const httpServer = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const io = new Server(httpServer, { adapter: createAdapter(pub, sub, { key: process.env.ADAPTER_KEY ?? 'bench-bare' }) });

io.on('connection', (socket) => {
  socket.on('join', (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  socket.on('relay', (message: { room: string; id: string }, ack: () => void) => {
    io.to(message.room).emit('relayed', message);
    ack();
  });
});

httpServer.listen(port, '127.0.0.1');
const stop = () => {
  io.close();
  void Promise.allSettled([pub.quit(), sub.quit()]).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
