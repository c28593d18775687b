/**
 * The Socket.IO protocol, typed once for the server, the workers (through the Redis emitter)
 * and the client. Payloads are plain JSON; timestamps are ISO 8601 strings.
 */
import type { Ack } from './errors.js';
import type { Field } from './api/fields.js';
import type { ImportCounts, ImportPhase, ImportState } from './api/imports.js';
import type { LiveNotice } from './api/notices.js';
import type { Notification } from './api/notifications.js';
import type { PortalRole } from './api/users.js';
import type { CellValue, Sample } from './api/samples.js';
import type { EditableProperty } from './editing/cells.js';
import type { EditAck, PresenceEvent, SyncAck } from './editing/protocol.js';
import type { EditRequest, PresenceUpdate, SyncRequest, UndoRequest } from './editing/requests.js';

/** Progress of an import, sent to the uploader and to everyone viewing the dataset. */
export interface ImportProgress {
  importId: string;
  datasetId: string;
  state: ImportState;
  phase: ImportPhase;
  rowsDone: number;
  rowsTotal: number | null;
  ratePerSecond: number | null;
  etaSeconds: number | null;
  counts: ImportCounts;
  issueCount: number;
  error: string | null;
  /** Bytes of the file received so far, while the upload is in progress. */
  bytesReceived?: number;
  /** True when a running import's worker stopped reporting (it died or hangs). */
  stalled?: boolean;
}

/** The author of a change: a signed-in user, or an import job acting for one. */
export type ChangeAuthor =
  | { type: 'user'; id: string; displayName: string }
  | { type: 'import'; id: string; userId: string | null };

/** One operation of a dataset change, as stored in the change log. */
export type DatasetOp =
  /** `moved` lists rows given a higher ord to make room for the new row, by id; their order is unchanged. */
  | { type: 'sample.insert'; sample: Sample; moved?: Record<string, number> }
  | { type: 'sample.update'; sampleId: string; before: Partial<Sample>; after: Partial<Sample>; version: number }
  | { type: 'sample.delete'; sampleId: string; before: Sample }
  /** `values` lists the cells an undo of a field's removal put back, by sample id. */
  | { type: 'field.insert'; field: Field; values?: Record<string, CellValue> }
  /**
   * A change of `type` converts the field's values with convertCellValue (common/editing), except
   * the cells listed in `values`, which hold exactly those values (an undone retype puts old values back).
   */
  | { type: 'field.update'; fieldId: string; before: Partial<Field>; after: Partial<Field>; values?: Record<string, CellValue> }
  | { type: 'import.merge'; importId: string; samplesAdded: number; fieldsAdded: string[]; fieldsWidened?: string[] }
  | { type: 'cell.set'; sampleId: string; key: string; before: CellValue; after: CellValue }
  | { type: 'sample.set'; sampleId: string; property: EditableProperty; before: unknown; after: unknown }
  | { type: 'field.delete'; field: Field }
  | { type: 'dataset.publish'; before: 'draft'; after: 'published' };

/** A committed dataset change, broadcast to the dataset's room after its transaction commits. */
export interface DatasetChange {
  datasetId: string;
  seq: number;
  mutationId: string | null;
  author: ChangeAuthor;
  ops: DatasetOp[];
  createdAt: string;
}

/** A notice that left its audience: withdrawn, expired, or moved to another audience. */
export interface NoticeRemoval {
  id: string;
  version: number;
}

/** The notices active for one socket when it connects. */
export interface NoticeSnapshot {
  notices: LiveNotice[];
  dismissedIds: string[];
}

/** Notifications that were marked read, with the user's unread count after the change. */
export interface NotificationsRead {
  ids: string[] | 'all';
  unreadCount: number;
}

export interface ServerToClientEvents {
  'import:progress': (progress: ImportProgress) => void;
  'dataset:change': (change: DatasetChange) => void;
  /** The socket was removed from a dataset's room because its user may no longer read the dataset's data. */
  'dataset:access-revoked': (notice: { datasetId: string }) => void;
  /**
   * Sent once after every connection: the notices active now for this socket's user, and which
   * of them the user dismissed, so a later edit of a dismissed notice stays hidden too.
   */
  'notice:active': (snapshot: NoticeSnapshot) => void;
  /** A notice started or was edited while active; replaces any copy with a lower version. */
  'notice:upsert': (notice: LiveNotice) => void;
  'notice:remove': (removal: NoticeRemoval) => void;
  /** The user dismissed a notice on one device; every other device hides it too. */
  'notice:dismissed': (dismissal: { id: string }) => void;
  'notification:new': (event: { notification: Notification; unreadCount: number }) => void;
  'notification:read': (event: NotificationsRead) => void;
  /** The viewers of a dataset and their focus. Sent volatile, because the next update replaces a lost one. */
  presence: (event: PresenceEvent) => void;
}

export interface ClientToServerEvents {
  /** Joins a dataset's room after a permission check and acknowledges with the dataset's latest seq. */
  'dataset:join': (
    request: { datasetId: string },
    ack: (result: Ack<{ seq: number; canEdit?: boolean; undoDepth?: number; redoDepth?: number }>) => void,
  ) => void;
  'dataset:leave': (request: { datasetId: string }, ack: (result: Ack) => void) => void;
  /** Applies operations in one transaction; acknowledged with the change's seq or a typed error. */
  'dataset:edit': (request: EditRequest, ack: (result: EditAck) => void) => void;
  /** Replays the changes after a seq, or returns `refetch` when the client missed too many. */
  'dataset:sync': (request: SyncRequest, ack: (result: SyncAck) => void) => void;
  /** Undoes the sender's latest change to the dataset with a new change that restores the old values. */
  'dataset:undo': (request: UndoRequest, ack: (result: EditAck) => void) => void;
  /** Redoes the sender's latest undone change. */
  'dataset:redo': (request: UndoRequest, ack: (result: EditAck) => void) => void;
  /** Reports the sender's focus; sent volatile and throttled, so it has no acknowledgement. */
  'presence:update': (update: PresenceUpdate) => void;
}

/** Events between server nodes, through the Redis adapter. */
export interface InterServerEvents {
  /** A read-only maintenance notice was created, changed or withdrawn: read the switch again. */
  'maintenance:changed': () => void;
}

/** The server's data about each socket, set from the session at the handshake. */
export interface SocketData {
  userId: string | null;
  displayName: string | null;
  /** The credential of the handshake: a session (by its handle) or a personal API token. */
  sessionHandle?: string | null;
  tokenId?: string | null;
  tokenScope?: 'read' | 'write' | null;
}

/** Room names, built only on the server from ids it has checked. */
export const rooms = {
  dataset: (datasetId: string) => `dataset:${datasetId}`,
  user: (userId: string) => `user:${userId}`,
  session: (sessionHandle: string) => `session:${sessionHandle}`,
  token: (tokenId: string) => `token:${tokenId}`,
  /** Every socket, signed in or not; notices for everyone go here. */
  everyone: 'everyone',
  /** The sockets of users with one portal role. */
  role: (role: PortalRole) => `role:${role}`,
  /** The sockets of one project's members. */
  project: (projectId: string) => `project:${projectId}`,
} as const;

/**
 * Client-to-server events that change nothing stored, so they run while the portal is read-only
 * for maintenance. Every other event is refused then with the `unavailable` error, so a write
 * event added later is covered without being listed here.
 */
export const READ_ONLY_SAFE_EVENTS: ReadonlySet<string> = new Set<keyof ClientToServerEvents>([
  'dataset:join',
  'dataset:leave',
  'dataset:sync',
  'presence:update',
]);
