import type { PortalRole } from '../../common/api/users.js';

/** The scopes of a personal API token. */
export type TokenScope = 'read' | 'write';

/**
 * How a signed-in actor proved who they are: a browser session (identified by a hash of its id,
 * never the id itself) or a personal API token.
 */
export type Credential = { kind: 'session'; sessionHandle: string } | { kind: 'token'; tokenId: string; scope: TokenScope };

/** The requester of a request or owner of a socket: an anonymous visitor or a signed-in user. */
export type Actor =
  | { type: 'anonymous' }
  | {
      type: 'user';
      id: string;
      email: string | null;
      displayName: string;
      role: PortalRole;
      /** Absent for actors made inside the server (scripts, jobs), which act with full scope. */
      credential?: Credential;
    };

export const ANONYMOUS: Actor = { type: 'anonymous' };

export type SignedInActor = Extract<Actor, { type: 'user' }>;

export function isSignedIn(actor: Actor): actor is SignedInActor {
  return actor.type === 'user';
}
