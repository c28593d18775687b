import type { Session, User } from '../../../common/api/users.js';
import { apiRequest } from './http.js';

/** Returns the signed-in user of this browser's session cookie, or null. */
export async function fetchSession(): Promise<User | null> {
  const session = await apiRequest<Session>('/auth/session');
  return session.user;
}

/** Signs in with email and password; the server sets the session cookie. */
export async function postSignIn(email: string, password: string): Promise<User> {
  const session = await apiRequest<Session>('/auth/sign-in', { method: 'POST', body: { email, password } });
  if (!session.user) throw new Error('The server accepted the sign-in but returned no user. Try again.');
  return session.user;
}

/** Ends the session on the server. */
export async function postSignOut(): Promise<void> {
  await apiRequest<void>('/auth/sign-out', { method: 'POST' });
}
