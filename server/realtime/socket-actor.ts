import type { Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js';
import { ANONYMOUS, type Actor, type Credential } from '../auth/actor.js';
import { resolveActor } from '../auth/request-actor.js';

export type FairportSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The credential recorded on a socket at its handshake, as the policy expects it. */
export function credentialOf(data: Partial<SocketData>): Credential | undefined {
  if (data.tokenId && data.tokenScope) return { kind: 'token', tokenId: data.tokenId, scope: data.tokenScope };
  if (data.sessionHandle) return { kind: 'session', sessionHandle: data.sessionHandle };
  return undefined;
}

/**
 * The actor of a socket with the user's current role, read again on every event, so a changed
 * portal role applies at once.
 */
export async function actorOfSocketData(data: Partial<SocketData>): Promise<Actor> {
  return data.userId ? resolveActor(data.userId, credentialOf(data)) : ANONYMOUS;
}
