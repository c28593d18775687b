import type { Contributor } from '../../../common/api/contributors.js';
import type { Invitation, InvitationCreate, Member } from '../../../common/api/members.js';
import type { PermissionSummary } from '../../../common/api/permissions.js';
import type { ProjectRole } from '../../../common/api/projects.js';
import { apiRequest } from './http.js';

const project = (projectId: string) => `/projects/${encodeURIComponent(projectId)}`;

export function fetchProjectPermissions(projectId: string): Promise<PermissionSummary> {
  return apiRequest<PermissionSummary>(`${project(projectId)}/permissions`);
}

export function fetchDatasetPermissions(datasetId: string): Promise<PermissionSummary> {
  return apiRequest<PermissionSummary>(`/datasets/${encodeURIComponent(datasetId)}/permissions`);
}

export async function fetchMembers(projectId: string): Promise<Member[]> {
  return (await apiRequest<{ items: Member[] }>(`${project(projectId)}/members`)).items;
}

export function changeMemberRole(projectId: string, userId: string, role: ProjectRole): Promise<Member> {
  return apiRequest<Member>(`${project(projectId)}/members/${encodeURIComponent(userId)}`, { method: 'PATCH', body: { role } });
}

export function removeMember(projectId: string, userId: string): Promise<void> {
  return apiRequest<void>(`${project(projectId)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}

export async function fetchInvitations(projectId: string): Promise<Invitation[]> {
  return (await apiRequest<{ items: Invitation[] }>(`${project(projectId)}/invitations`)).items;
}

export function invite(projectId: string, body: InvitationCreate): Promise<Invitation> {
  return apiRequest<Invitation>(`${project(projectId)}/invitations`, { method: 'POST', body });
}

export function revokeInvitation(projectId: string, invitationId: string): Promise<void> {
  return apiRequest<void>(`${project(projectId)}/invitations/${encodeURIComponent(invitationId)}`, { method: 'DELETE' });
}

export async function fetchDatasetContributors(datasetId: string): Promise<Contributor[]> {
  return (await apiRequest<{ items: Contributor[] }>(`/datasets/${encodeURIComponent(datasetId)}/contributors`)).items;
}
