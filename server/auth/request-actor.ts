import type { Request, RequestHandler } from 'express';
import { User } from '../db/models/user.js';
import { ANONYMOUS, type Actor } from './actor.js';

const ACTOR = Symbol('fairport.actor');

type RequestWithActor = Request & { [ACTOR]?: Actor };

/** Loads the signed-in user of the session once per request; an unknown user id signs the session out. */
export const loadActor: RequestHandler = async (req, _res, next) => {
  (req as RequestWithActor)[ACTOR] = await resolveActor(req.session?.userId);
  next();
};

/** Turns a session's user id into an actor, reading the user's current role from the database. */
export async function resolveActor(userId: string | undefined): Promise<Actor> {
  if (!userId) return ANONYMOUS;

  const user = await User.query().findById(userId);
  if (!user) return ANONYMOUS;
  return { type: 'user', id: user.id, email: user.email, displayName: user.displayName, role: user.role };
}

/** The actor loaded for this request by loadActor. */
export function actorOf(req: Request): Actor {
  return (req as RequestWithActor)[ACTOR] ?? ANONYMOUS;
}
