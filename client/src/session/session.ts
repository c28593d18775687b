import { createSignal } from 'solid-js';
import type { User } from '../../../common/api/users.js';
import { fetchSession, postSignIn, postSignOut } from '../api/auth.js';
import { reconnectSocket } from '../realtime/socket.js';

const [user, setUser] = createSignal<User | null>(null);
const [sessionChecked, setSessionChecked] = createSignal(false);

/** The signed-in user, or null for a visitor. */
export const currentUser = user;

/** Becomes true once the session has been read from the server, so pages do not flash a sign-in link. */
export const isSessionChecked = sessionChecked;

/** Reads the session from the server; a failure leaves the visitor signed out. */
export async function loadSession(): Promise<void> {
  try {
    setUser(await fetchSession());
  } catch {
    setUser(null);
  } finally {
    setSessionChecked(true);
  }
}

/** Signs in and reconnects the socket so live updates carry the new session. */
export async function signIn(email: string, password: string): Promise<User> {
  const signedIn = await postSignIn(email, password);
  setUser(signedIn);
  setSessionChecked(true);
  reconnectSocket();
  return signedIn;
}

/** Takes the account a sign-up confirmation or ORCID sign-in made and reconnects the socket with it. */
export function adoptSignedInUser(signedIn: User): void {
  setUser(signedIn);
  setSessionChecked(true);
  reconnectSocket();
}

/** Forgets the user after the server ended the session, e.g. after signing out everywhere. */
export function forgetUser(): void {
  setUser(null);
  reconnectSocket();
}

/** Signs out and reconnects the socket as a visitor. */
export async function signOut(): Promise<void> {
  await postSignOut();
  setUser(null);
  reconnectSocket();
}

/**
 * Returns a key that changes when the visitor signs in or out, or false until the session is
 * known. Reads keyed on it run once the session is known and again when it changes, because
 * signing in changes what the visitor may read.
 */
export function sessionKey(): string | false {
  if (!sessionChecked()) return false;
  return user()?.id ?? 'visitor';
}
