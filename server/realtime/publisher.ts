import type { DatasetChange, ImportProgress, ServerToClientEvents } from '../../common/events.js';
import { rooms } from '../../common/events.js';

/**
 * The part of a Socket.IO server, or of a `@socket.io/redis-emitter` Emitter in a worker, that
 * sends to rooms. Both reach clients on every node through the Redis adapter.
 */
export interface RoomBroadcaster {
  to(room: string | string[]): {
    emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): unknown;
  };
}

/** Sends domain events to the rooms that should see them. */
export interface RealtimePublisher {
  publishChange(change: DatasetChange): void;
  publishImportProgress(progress: ImportProgress, uploaderId: string | null): void;
}

/** Builds a publisher over a Socket.IO server or a Redis emitter. */
export function createPublisher(broadcaster: RoomBroadcaster): RealtimePublisher {
  return {
    publishChange(change) {
      broadcaster.to(rooms.dataset(change.datasetId)).emit('dataset:change', change);
    },
    publishImportProgress(progress, uploaderId) {
      const targets = [rooms.dataset(progress.datasetId)];
      if (uploaderId) targets.push(rooms.user(uploaderId));
      broadcaster.to(targets).emit('import:progress', progress);
    },
  };
}

