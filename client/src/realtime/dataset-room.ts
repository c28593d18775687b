import { onCleanup } from 'solid-js';
import type { PresenceEvent } from '../../../common/editing/protocol.js';
import type { DatasetChange, ImportProgress } from '../../../common/events.js';
import { getSocket } from './socket.js';

const ACK_TIMEOUT_MS = 10_000;

/** The acknowledgement of a successful join. */
export interface JoinInfo {
  seq: number;
  canEdit?: boolean;
  undoDepth?: number;
  redoDepth?: number;
}

export interface DatasetRoomHandlers {
  onChange(change: DatasetChange): void;
  onProgress(progress: ImportProgress): void;
  /**
   * Called after every successful join with the dataset's latest seq, so the page can catch up on
   * what it missed, and whether the user may edit it.
   */
  onJoined(info: JoinInfo): void;
  onPresence?(event: PresenceEvent): void;
  /** Called when the server rejects the join or does not acknowledge it in time, with a message for the user. */
  onJoinFailed(message: string): void;
}

/**
 * Joins a dataset's room for the lifetime of the calling component, joins again after every
 * reconnect (the server drops a socket's rooms when it disconnects) and leaves on cleanup.
 * Events of other datasets, which reach the socket through the user's own room, are dropped.
 */
export function joinDatasetRoom(datasetId: string, handlers: DatasetRoomHandlers): void {
  const socket = getSocket();

  const join = () => {
    socket.timeout(ACK_TIMEOUT_MS).emit('dataset:join', { datasetId }, (timeoutError, result) => {
      if (timeoutError) {
        handlers.onJoinFailed('The server did not answer the request for live updates. They resume after the next reconnect.');
        return;
      }
      if (!result.ok) {
        handlers.onJoinFailed(result.error.message);
        return;
      }
      const { ok: _ok, ...info } = result;
      handlers.onJoined(info);
    });
  };
  const onChange = (change: DatasetChange) => {
    if (change.datasetId === datasetId) handlers.onChange(change);
  };
  const onProgress = (progress: ImportProgress) => {
    if (progress.datasetId === datasetId) handlers.onProgress(progress);
  };
  const onRevoked = (notice: { datasetId: string }) => {
    if (notice.datasetId === datasetId) handlers.onJoinFailed('Your access to this dataset’s data has ended; reload the page.');
  };

  const onPresence = (event: PresenceEvent) => {
    if (event.datasetId === datasetId) handlers.onPresence?.(event);
  };

  socket.on('connect', join);
  socket.on('dataset:change', onChange);
  socket.on('import:progress', onProgress);
  socket.on('dataset:access-revoked', onRevoked);
  socket.on('presence', onPresence);
  if (socket.connected) join();

  onCleanup(() => {
    socket.off('connect', join);
    socket.off('dataset:change', onChange);
    socket.off('import:progress', onProgress);
    socket.off('dataset:access-revoked', onRevoked);
    socket.off('presence', onPresence);
    if (socket.connected) socket.emit('dataset:leave', { datasetId }, () => {});
  });
}
