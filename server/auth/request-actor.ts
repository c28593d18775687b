import type { Request, RequestHandler } from 'express';
import { User } from '../db/models/user.js';
import { resolveApiToken } from '../domain/api-tokens.js';
import { HttpError } from '../http/http-error.js';
import { ANONYMOUS, type Actor, type Credential } from './actor.js';
import { sessionHandle } from './session-registry.js';

const ACTOR = Symbol('fairport.actor');

type RequestWithActor = Request & { [ACTOR]?: Actor };

/**
 * Loads the actor of a request once: the user of a personal API token sent as
 * `Authorization: Bearer`, else the user of the session cookie. A token that is invalid, expired
 * or revoked gets 401 rather than falling back to anonymous, so a script notices at once.
 */
export const loadActor: RequestHandler = async (req, _res, next) => {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    (req as RequestWithActor)[ACTOR] = await actorOfAuthorization(authorization);
    next();
    return;
  }
  const credential: Credential | undefined = req.sessionID ? { kind: 'session', sessionHandle: sessionHandle(req.sessionID) } : undefined;
  (req as RequestWithActor)[ACTOR] = await resolveActor(req.session?.userId, credential);
  next();
};

/** Turns an Authorization header value into the actor of its token; throws 401 for anything else. */
export async function actorOfAuthorization(authorization: string): Promise<Actor> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  const resolved = match ? await resolveApiToken(match[1]!) : null;
  if (!resolved) {
    throw new HttpError('unauthenticated', 'The API token is invalid, expired or revoked; send `Authorization: Bearer <token>` with a live token from your account page.');
  }
  return userActor(resolved.user, { kind: 'token', tokenId: resolved.tokenId, scope: resolved.scope });
}

/** Turns a session's user id into an actor, reading the user's current role from the database. */
export async function resolveActor(userId: string | undefined | null, credential?: Credential): Promise<Actor> {
  if (!userId) return ANONYMOUS;

  const user = await User.query().findById(userId);
  if (!user) return ANONYMOUS;
  return userActor(user, credential);
}

function userActor(user: User, credential: Credential | undefined): Actor {
  return {
    type: 'user',
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    ...(credential ? { credential } : {}),
  };
}

/** The actor loaded for this request by loadActor. */
export function actorOf(req: Request): Actor {
  return (req as RequestWithActor)[ACTOR] ?? ANONYMOUS;
}
