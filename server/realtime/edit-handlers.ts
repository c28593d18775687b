import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { EDIT_LIMITS } from '../../common/editing/limits.js';
import { editRequest, syncRequest, undoRequest } from '../../common/editing/requests.js';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { ANONYMOUS, type Actor } from '../auth/actor.js';
import { authorizeDataset, requireSignedIn } from '../auth/policy.js';
import { resolveActor } from '../auth/request-actor.js';
import { listChangesAfter } from '../domain/change-history.js';
import { getDataset } from '../domain/datasets.js';
import { applyEdit, applyUndo, type EditOutcome } from '../domain/editing/apply-edit.js';
import { HttpError } from '../http/http-error.js';
import { fieldIssues, validationError } from '../http/problem.js';
import { findUnstorableText } from '../http/text-safety.js';
import { respond } from './ack.js';
import type { EditRateLimiter } from './edit-rate-limiter.js';
import type { RealtimePublisher } from './publisher.js';
import { createSerialQueue } from './serial-queue.js';

type FairportSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface EditHandlerServices {
  publisher: RealtimePublisher;
  limiter: EditRateLimiter;
}

/**
 * Registers the live-editing events of one socket: edits, undo and redo, and catch-up. Every
 * request is rate-limited per user, size-checked and validated before it reaches the domain,
 * which authorises it. Every failure is a typed acknowledgement, and the socket stays connected.
 */
export function registerEditHandlers(socket: FairportSocket, services: EditHandlerServices): void {
  // A tab sends its edits without waiting for acknowledgements, and its own changes never
  // conflict with each other. So one socket's edits, undos and redos run one at a time, in the
  // order sent. Otherwise a short correction could commit before a long paste sent just before
  // it, and the paste would then overwrite it.
  const inOrder = createSerialQueue();

  socket.on('dataset:edit', (raw, ack) => {
    void inOrder(() => respond(ack, async () => {
      // The limiter's round trip runs while the edit is read, and nothing is written or acknowledged before its verdict.
      const gate = services.limiter.consume(limitKey(socket));
      const request = await afterGate(gate, () => parseSized(editRequest, raw));
      // The user's role and project membership are read again with the edit, so a change applies at once.
      const userId = await afterGate(gate, () => signedInUserId(socket));
      return acknowledge(await applyEdit(userId, request.datasetId, request, gate), services.publisher);
    }));
  });

  for (const direction of ['undo', 'redo'] as const) {
    socket.on(`dataset:${direction}`, (raw, ack) => {
      void inOrder(() => respond(ack, async () => {
        await services.limiter.consume(limitKey(socket));
        const request = parseSized(undoRequest, raw);
        return acknowledge(await applyUndo(signedInUserId(socket), request.datasetId, request, direction), services.publisher);
      }));
    });
  }

  socket.on('dataset:sync', (raw, ack) => {
    void respond(ack, async () => {
      await services.limiter.consume(limitKey(socket));
      const request = parseSized(syncRequest, raw);
      const dataset = await getDataset(request.datasetId);
      await authorizeDataset(await currentActor(socket), 'read', dataset);
      return replay(dataset.id, dataset.seq, request.afterSeq);
    });
  });
}

/**
 * Reads the changes after `afterSeq`, or returns `refetch` when the client is further behind than the bounded
 * replay (or ahead of the server, which happens only after a database restore).
 */
async function replay(datasetId: string, seq: number, afterSeq: number) {
  const refetch = { seq, changes: [], refetch: true };
  if (afterSeq > seq || seq - afterSeq > EDIT_LIMITS.maxReplayChanges) return refetch;

  const changes = await listChangesAfter(datasetId, afterSeq, EDIT_LIMITS.maxReplayChanges);
  const ops = changes.reduce((sum, change) => sum + change.ops.length, 0);
  if (ops > EDIT_LIMITS.maxReplayOps) return refetch;
  return { seq: Math.max(seq, changes.at(-1)?.seq ?? 0), changes, refetch: false };
}

/** Broadcasts a committed change and builds the acknowledgement; an edit that applied nothing is a conflict error. */
function acknowledge(outcome: EditOutcome, publisher: RealtimePublisher) {
  if (outcome.change) publisher.publishChange(outcome.change);
  if (outcome.seq === null) {
    const error = new HttpError('conflict', 'Nothing was applied: someone else changed every cell this edit touches.');
    throw Object.assign(error, { conflicts: outcome.conflicts });
  }
  const answer = { seq: outcome.seq, conflicts: outcome.conflicts, undoDepth: outcome.undoDepth, redoDepth: outcome.redoDepth };
  return outcome.duplicate ? { ...answer, duplicate: true as const } : answer;
}

/**
 * Checks the size of a request before validating it, so an oversized one costs no schema work.
 * Text PostgreSQL cannot store (U+0000, unpaired surrogates) is rejected as the REST API rejects it.
 */
function parseSized<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  // The text check stops at a bounded depth, so it runs first: JSON.stringify of a payload nested
  // thousands of levels deep overflows the stack.
  const textIssue = findUnstorableText(raw, 'request');
  if (textIssue) throw validationError([textIssue]);
  const size = Buffer.byteLength(JSON.stringify(raw ?? null) ?? '');
  if (size > EDIT_LIMITS.maxBytes) {
    throw new HttpError('payload_too_large', `The request is ${size} bytes; at most ${EDIT_LIMITS.maxBytes} are accepted. Split it into smaller edits.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(fieldIssues(parsed.error, 'request'));
  return parsed.data;
}

/**
 * Runs a check that may throw. When it throws, the limiter's verdict is awaited first, so a flood
 * of invalid requests is rejected with `rate_limited` like any other flood.
 */
async function afterGate<T>(gate: Promise<void>, check: () => T): Promise<T> {
  try {
    return check();
  } catch (error) {
    await gate;
    throw error;
  }
}

/** Requests are counted per user, so a flood from several tabs or nodes shares one allowance; guests per socket. */
function limitKey(socket: FairportSocket): string {
  return socket.data.userId ? `user:${socket.data.userId}` : `socket:${socket.id}`;
}

/** Returns the socket's user id; a guest gets `unauthenticated` before any database work. */
function signedInUserId(socket: FairportSocket): string {
  if (!socket.data.userId) requireSignedIn(ANONYMOUS);
  return socket.data.userId!;
}

/** Reads the socket's actor with the user's current role, so a changed role applies at once. */
async function currentActor(socket: FairportSocket): Promise<Actor> {
  return socket.data.userId ? resolveActor(socket.data.userId) : ANONYMOUS;
}
