import type { ApiToken, ApiTokenCreate, ApiTokenCreated, SessionInfo } from '../../../common/api/account.js';
import type { Contributor } from '../../../common/api/contributors.js';
import type { Invitation } from '../../../common/api/members.js';
import type { Session, SignUp, User } from '../../../common/api/users.js';
import { apiRequest } from './http.js';

/** Starts a sign-up; the server responds the same whether or not the address has an account. */
export async function postSignUp(body: SignUp): Promise<string> {
  return (await apiRequest<{ message: string }>('/auth/sign-up', { method: 'POST', body })).message;
}

/** Confirms an address with the token from the email; the server signs the new account in. */
export async function postVerifyEmail(token: string): Promise<User> {
  const session = await apiRequest<Session>('/auth/verify-email', { method: 'POST', body: { token } });
  if (!session.user) throw new Error('The server confirmed the address but returned no account. Sign in.');
  return session.user;
}

export async function postPasswordReset(email: string): Promise<string> {
  return (await apiRequest<{ message: string }>('/auth/password-reset', { method: 'POST', body: { email } })).message;
}

export function postPasswordResetConfirm(token: string, password: string): Promise<void> {
  return apiRequest<void>('/auth/password-reset/confirm', { method: 'POST', body: { token, password } });
}

export async function fetchTokens(): Promise<ApiToken[]> {
  return (await apiRequest<{ items: ApiToken[] }>('/account/tokens')).items;
}

export function createToken(body: ApiTokenCreate): Promise<ApiTokenCreated> {
  return apiRequest<ApiTokenCreated>('/account/tokens', { method: 'POST', body });
}

export function revokeToken(tokenId: string): Promise<void> {
  return apiRequest<void>(`/account/tokens/${encodeURIComponent(tokenId)}`, { method: 'DELETE' });
}

export async function fetchSessions(): Promise<SessionInfo[]> {
  return (await apiRequest<{ items: SessionInfo[] }>('/account/sessions')).items;
}

export function endSession(sessionId: string): Promise<void> {
  return apiRequest<void>(`/account/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' });
}

export function postSignOutEverywhere(): Promise<void> {
  return apiRequest<void>('/account/sign-out-everywhere', { method: 'POST' });
}

export async function fetchMyInvitations(): Promise<Invitation[]> {
  return (await apiRequest<{ items: Invitation[] }>('/account/invitations')).items;
}

export function acceptInvitation(invitationId: string): Promise<Invitation> {
  return apiRequest<Invitation>(`/account/invitations/${encodeURIComponent(invitationId)}/accept`, { method: 'POST' });
}

export async function fetchClaimable(): Promise<Contributor[]> {
  return (await apiRequest<{ items: Contributor[] }>('/account/contributor-claims')).items;
}

export function claimContributor(contributorId: string): Promise<Contributor> {
  return apiRequest<Contributor>(`/contributors/${encodeURIComponent(contributorId)}/claim`, { method: 'POST' });
}
