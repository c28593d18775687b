import type { NoticeAudience } from '../../common/api/notices.js';
import type { ServerToClientEvents } from '../../common/events.js';
import { rooms } from '../../common/events.js';
import { audienceRoom, toLiveNotice, type NoticeRow } from '../notices/notice-record.js';

interface Emitting {
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): unknown;
}

/**
 * The part of a Socket.IO server, or of a worker's Redis emitter, that sends to some rooms
 * except others. Both reach the sockets on every node through the Redis adapter.
 */
export interface ExceptBroadcaster {
  to(room: string | string[]): Emitting & { except(room: string | string[]): Emitting };
}

/** Sends notice changes to the rooms of their audience, and dismissals to the user's devices. */
export interface NoticePublisher {
  /** Shows a notice that started, or replaces the copy of one that was edited while active. */
  publishShown(row: NoticeRow): void;
  /** Hides a notice from its audience: withdrawn, expired or moved out of its window. */
  publishHidden(row: NoticeRow, audience?: NoticeAudience): void;
  /** Moves an active notice to a new audience: hides it from the old one only, then shows it to the new one. */
  publishMoved(row: NoticeRow, previous: NoticeAudience, current: NoticeAudience): void;
  publishDismissed(userId: string, noticeId: string): void;
}

/** Builds a notice publisher over a Socket.IO server or a Redis emitter. */
export function createNoticePublisher(broadcaster: ExceptBroadcaster): NoticePublisher {
  return {
    publishShown(row) {
      broadcaster.to(audienceRoomOf(row)).emit('notice:upsert', toLiveNotice(row));
    },
    publishHidden(row, audience) {
      const room = audience ? audienceRoom(audience) : audienceRoomOf(row);
      broadcaster.to(room).emit('notice:remove', { id: row.id, version: row.version });
    },
    publishMoved(row, previous, current) {
      const next = audienceRoom(current);
      broadcaster.to(audienceRoom(previous)).except(next).emit('notice:remove', { id: row.id, version: row.version });
      broadcaster.to(next).emit('notice:upsert', toLiveNotice(row));
    },
    publishDismissed(userId, noticeId) {
      broadcaster.to(rooms.user(userId)).emit('notice:dismissed', { id: noticeId });
    },
  };
}

function audienceRoomOf(row: NoticeRow): string {
  if (row.audienceType === 'project') return rooms.project(row.audienceProjectId!);
  if (row.audienceType === 'role') return rooms.role(row.audienceRole!);
  return rooms.everyone;
}
