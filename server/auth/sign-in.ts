import type { Request } from 'express';
import type { AppContext } from '../context.js';
import type { User } from '../db/models/user.js';
import { recordAudit } from '../domain/audit.js';
import { acceptInvitations } from '../domain/invitations.js';
import { moduleLogger } from '../observability/logger.js';
import type { Actor } from './actor.js';
import { sessionHandle } from './session-registry.js';

const log = moduleLogger('auth');

export type SignInMethod = 'password' | 'orcid' | 'email-verification';

/** The actor of a user who has just proved who they are with a browser session. */
export function sessionActor(user: User, req: Request): Actor {
  return {
    type: 'user',
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    credential: { kind: 'session', sessionHandle: sessionHandle(req.sessionID) },
  };
}

/**
 * Signs a user in on this request: issues a fresh session id (so an id planted before sign-in is
 * worthless), records the session under the user for "sign out everywhere", accepts the
 * invitations addressed to the user and writes the sign-in to the audit log.
 */
export async function establishSession(req: Request, context: AppContext, user: User, method: SignInMethod): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
  req.session.userId = user.id;
  req.session.signedInAt = new Date().toISOString();
  req.session.userAgent = (req.headers['user-agent'] ?? '').slice(0, 300);
  req.session.ip = req.ip ?? '';
  await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
  await context.sessions.add(user.id, req.sessionID);

  const actor = sessionActor(user, req);
  const accepted = await acceptInvitations(user, actor);
  await recordAudit({ action: 'auth.sign-in', actor, target: { type: 'user', id: user.id }, details: { method }, ip: req.ip ?? null });
  log.info({ userId: user.id, method, invitationsAccepted: accepted.length }, 'signed in');
}

/** Ends the request's session and closes the sockets opened with it on every node. */
export async function endSession(req: Request, context: AppContext): Promise<void> {
  const sessionId = req.sessionID;
  const userId = req.session?.userId;
  await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
  if (!userId || !sessionId) return;
  await context.sessions.remove(userId, sessionId);
  context.socketAccess.disconnectSessions([sessionHandle(sessionId)]);
}

/** Ends every session of a user and closes all their sockets on every node; returns how many sessions ended. */
export async function endAllSessions(userId: string, context: AppContext): Promise<number> {
  const handles = await context.sessions.revokeAll(userId);
  context.socketAccess.disconnectSessions(handles);
  return handles.length;
}
