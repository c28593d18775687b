/**
 * The Socket.IO protocol, typed once for the server, the workers (through the Redis emitter)
 * and the client. Payloads are plain JSON; timestamps are ISO 8601 strings.
 */
import type { Ack } from './errors.js';
import type { Field } from './api/fields.js';
import type { ImportCounts, ImportPhase, ImportState } from './api/imports.js';
import type { Sample } from './api/samples.js';

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

/** Who made a change: a signed-in user, or an import job acting for one. */
export type ChangeAuthor =
  | { type: 'user'; id: string; displayName: string }
  | { type: 'import'; id: string; userId: string | null };

/** One operation of a dataset change, as stored in the change log. */
export type DatasetOp =
  | { type: 'sample.insert'; sample: Sample }
  | { type: 'sample.update'; sampleId: string; before: Partial<Sample>; after: Partial<Sample>; version: number }
  | { type: 'sample.delete'; sampleId: string; before: Sample }
  | { type: 'field.insert'; field: Field }
  | { type: 'field.update'; fieldId: string; before: Partial<Field>; after: Partial<Field> }
  | { type: 'import.merge'; importId: string; samplesAdded: number; fieldsAdded: string[]; fieldsWidened?: string[] };

/** A committed dataset change, broadcast to the dataset's room after its transaction commits. */
export interface DatasetChange {
  datasetId: string;
  seq: number;
  mutationId: string | null;
  author: ChangeAuthor;
  ops: DatasetOp[];
  createdAt: string;
}

export interface ServerToClientEvents {
  'import:progress': (progress: ImportProgress) => void;
  'dataset:change': (change: DatasetChange) => void;
}

export interface ClientToServerEvents {
  /** Joins a dataset's room after a permission check; answers with the dataset's latest seq. */
  'dataset:join': (request: { datasetId: string }, ack: (result: Ack<{ seq: number }>) => void) => void;
  'dataset:leave': (request: { datasetId: string }, ack: (result: Ack) => void) => void;
}

/** Nothing travels between server nodes except the adapter's own messages. */
export type InterServerEvents = Record<string, never>;

/** What the server knows about each socket, set from the session at the handshake. */
export interface SocketData {
  userId: string | null;
  displayName: string | null;
}

/** Room names, built only on the server from ids it has checked. */
export const rooms = {
  dataset: (datasetId: string) => `dataset:${datasetId}`,
  user: (userId: string) => `user:${userId}`,
} as const;
