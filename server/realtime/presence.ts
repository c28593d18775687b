import type { Socket } from 'socket.io';
import { presenceColour, type Viewer } from '../../common/editing/protocol.js';
import { presenceUpdate, type PresenceFocus } from '../../common/editing/requests.js';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import { moduleLogger } from '../observability/logger.js';
import type { PresenceStore } from './presence-store.js';
import type { FairportServer } from './socket-server.js';

const log = moduleLogger('presence');

type FairportSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const DATASET_ROOM_PREFIX = rooms.dataset('');

export interface PresenceOptions {
  /** How often this node refreshes its viewers in Redis and removes expired ones; well below the store's TTL. */
  heartbeatMs: number;
  /** At most one focus update per socket and this many milliseconds reaches Redis and the room. */
  throttleMs: number;
}

/**
 * Tracks who views each dataset and what they have focused. Updates are throttled per socket and
 * broadcast as volatile events, so a slow client drops old positions rather than queueing them.
 * A viewer leaves at once on leave or disconnect, and within the store's TTL when its node dies,
 * because every node's heartbeat removes expired viewers of the datasets it serves and notifies their rooms.
 */
export class PresenceService {
  private readonly pending = new Map<string, { datasetId: string; focus: PresenceFocus | null; timer: NodeJS.Timeout | null; dirty: boolean }>();
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly removals = new Set<Promise<void>>();

  constructor(
    private readonly io: FairportServer,
    private readonly store: PresenceStore,
    private readonly options: PresenceOptions,
  ) {}

  start(): void {
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  stop(): void {
    // Removals still in flight finish in Redis but no longer broadcast, because the server is
    // closing its Redis connections and the adapter does not handle a rejected publish.
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const entry of this.pending.values()) if (entry.timer) clearTimeout(entry.timer);
    this.pending.clear();
  }

  /** Adds a socket that joined a dataset, notifies the room, and sends the joiner the whole list. */
  async joined(socket: FairportSocket, datasetId: string): Promise<void> {
    const viewer = this.viewerOf(socket, null);
    await this.store.put(datasetId, viewer);
    this.io.to(rooms.dataset(datasetId)).except(socket.id).volatile.emit('presence', { datasetId, full: false, viewers: [viewer], left: [] });
    const { viewers } = await this.store.list(datasetId);
    socket.emit('presence', { datasetId, full: true, viewers, left: [] });
  }

  /** Removes a socket that left a dataset or disconnected, and notifies the room. */
  async left(socket: FairportSocket, datasetId: string): Promise<void> {
    this.clearPending(socket.id, datasetId);
    await this.store.remove(datasetId, socket.id);
    if (this.stopped) return;
    this.io.to(rooms.dataset(datasetId)).emit('presence', { datasetId, full: false, viewers: [], left: [socket.id] });
  }

  /** Handles a `presence:update`; invalid updates and updates for rooms the socket is not in are dropped. */
  update(socket: FairportSocket, raw: unknown): void {
    const parsed = presenceUpdate.safeParse(raw);
    if (!parsed.success || !socket.rooms.has(rooms.dataset(parsed.data.datasetId))) return;

    const key = `${socket.id}|${parsed.data.datasetId}`;
    const entry = this.pending.get(key) ?? { datasetId: parsed.data.datasetId, focus: null, timer: null, dirty: false };
    entry.focus = parsed.data.focus;
    entry.dirty = true;
    this.pending.set(key, entry);
    if (!entry.timer) this.flush(socket, key);
  }

  /** Waits for the presence removals still in flight, so the server can close Redis after them. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.removals]);
  }

  /** Removes a socket's presence in every dataset it had joined; call on `disconnecting`, while its rooms are known. */
  disconnecting(socket: FairportSocket): void {
    for (const room of socket.rooms) {
      if (!room.startsWith(DATASET_ROOM_PREFIX)) continue;
      const removal = this.left(socket, room.slice(DATASET_ROOM_PREFIX.length)).catch((error: unknown) => {
        log.error({ err: error, socketId: socket.id }, 'removing presence failed');
      });
      this.removals.add(removal);
      void removal.finally(() => this.removals.delete(removal));
    }
  }

  private flush(socket: FairportSocket, key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    if (!entry.dirty || !socket.connected) {
      this.pending.delete(key);
      return;
    }
    entry.dirty = false;
    const viewer = this.viewerOf(socket, entry.focus);
    this.io.to(rooms.dataset(entry.datasetId)).volatile.emit('presence', { datasetId: entry.datasetId, full: false, viewers: [viewer], left: [] });
    void this.store.put(entry.datasetId, viewer).catch((error: unknown) => log.error({ err: error, socketId: socket.id }, 'storing presence failed'));
    entry.timer = setTimeout(() => {
      entry.timer = null;
      this.flush(socket, key);
    }, this.options.throttleMs);
  }

  private clearPending(socketId: string, datasetId: string): void {
    const key = `${socketId}|${datasetId}`;
    const entry = this.pending.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    this.pending.delete(key);
  }

  private viewerOf(socket: FairportSocket, focus: PresenceFocus | null): Viewer {
    const identity = socket.data.userId ?? socket.id;
    return { id: socket.id, userId: socket.data.userId, name: socket.data.displayName ?? 'Guest', colour: presenceColour(identity), focus };
  }

  /** Refreshes this node's viewers and removes expired viewers of the datasets it serves. */
  private async beat(): Promise<void> {
    const local = new Map<string, string[]>();
    for (const socket of this.io.of('/').sockets.values()) {
      for (const room of socket.rooms) {
        if (!room.startsWith(DATASET_ROOM_PREFIX)) continue;
        const datasetId = room.slice(DATASET_ROOM_PREFIX.length);
        const ids = local.get(datasetId);
        if (ids) ids.push(socket.id);
        else local.set(datasetId, [socket.id]);
      }
    }
    try {
      for (const [datasetId, ids] of local) {
        await this.store.refresh(datasetId, ids);
        const expired = await this.store.expire(datasetId);
        if (this.stopped) return;
        if (expired.length > 0) this.io.to(rooms.dataset(datasetId)).emit('presence', { datasetId, full: false, viewers: [], left: expired });
      }
    } catch (error) {
      log.error({ err: error }, 'presence heartbeat failed');
    }
  }
}
