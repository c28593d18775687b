import type { PortalRole } from '../../common/api/users.js';

/** Who is making a request or holds a socket: an anonymous visitor or a signed-in user. */
export type Actor =
  | { type: 'anonymous' }
  | { type: 'user'; id: string; email: string; displayName: string; role: PortalRole };

export const ANONYMOUS: Actor = { type: 'anonymous' };

export type SignedInActor = Extract<Actor, { type: 'user' }>;

export function isSignedIn(actor: Actor): actor is SignedInActor {
  return actor.type === 'user';
}
