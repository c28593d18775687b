import type { Knex } from 'knex';
import type { Invitation as InvitationDto, InvitationCreate } from '../../common/api/members.js';
import type { ProjectRole } from '../../common/api/projects.js';
import type { Actor, SignedInActor } from '../auth/actor.js';
import { Project } from '../db/models/project.js';
import { ProjectInvitation } from '../db/models/project-invitation.js';
import { ProjectMember } from '../db/models/project-member.js';
import type { User } from '../db/models/user.js';
import { notFound } from '../http/http-error.js';
import { recordAudit } from './audit.js';
import { iso } from './timestamps.js';

/** How long an invitation can be accepted. */
export const INVITATION_TTL_MS = 30 * 24 * 3600 * 1000;

type InvitationRow = ProjectInvitation & { projectTitle?: string; inviterName?: string | null };

export function toInvitationDto(row: InvitationRow, now: Date = new Date()): InvitationDto {
  return {
    id: row.id,
    projectId: row.projectId,
    projectTitle: row.projectTitle ?? '',
    email: row.email,
    orcid: row.orcid,
    role: row.role,
    state: invitationState(row, now),
    invitedBy: row.inviterName ?? null,
    expiresAt: iso(row.expiresAt),
    createdAt: iso(row.createdAt),
  };
}

function invitationState(row: ProjectInvitation, now: Date): InvitationDto['state'] {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  if (new Date(row.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

function invitationsWithNames() {
  return ProjectInvitation.query()
    .select('project_invitations.*', 'projects.title as projectTitle', 'users.displayName as inviterName')
    .join('projects', 'projects.id', 'project_invitations.projectId')
    .leftJoin('users', 'users.id', 'project_invitations.invitedBy') as unknown as ReturnType<typeof ProjectInvitation.query>;
}

/** Records an invitation to a project; the caller sends the email. */
export async function createInvitation(inviter: SignedInActor, project: Project, input: InvitationCreate & { role: ProjectRole }): Promise<InvitationRow> {
  const created = await ProjectInvitation.query().insertAndFetch({
    projectId: project.id,
    email: input.email?.toLowerCase() ?? null,
    orcid: input.orcid ?? null,
    role: input.role,
    invitedBy: inviter.id,
    expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
  });
  return Object.assign(created, { projectTitle: project.title, inviterName: inviter.displayName }) as InvitationRow;
}

/** Lists a project's invitations, newest first. */
export async function listProjectInvitations(projectId: string): Promise<InvitationRow[]> {
  return (await invitationsWithNames().where('project_invitations.projectId', projectId).orderBy('project_invitations.createdAt', 'desc')) as InvitationRow[];
}

/** Revokes a pending invitation of a project; throws 404 for an unknown id or one of another project. */
export async function revokeInvitation(projectId: string, invitationId: string): Promise<ProjectInvitation> {
  const invitation = await ProjectInvitation.query().findOne({ id: invitationId, projectId });
  if (!invitation) throw notFound('Invitation', invitationId);
  if (!invitation.acceptedAt && !invitation.revokedAt) {
    await ProjectInvitation.query().patch({ revokedAt: new Date() }).where({ id: invitationId });
  }
  return invitation;
}

/**
 * Selects the pending invitations addressed to a user: to their email address once verified,
 * or to their ORCID iD once they have signed in with it.
 */
function pendingFor(user: User, trx?: Knex.Transaction) {
  const query = invitationsWithNames();
  if (trx) query.transacting(trx);
  return query
    .whereNull('project_invitations.acceptedAt')
    .whereNull('project_invitations.revokedAt')
    .where('project_invitations.expiresAt', '>', new Date())
    .where((addressed) => {
      addressed.whereRaw('false');
      if (user.email && user.emailVerifiedAt) addressed.orWhereRaw('lower(project_invitations.email) = lower(?)', [user.email]);
      if (user.orcid && user.orcidVerifiedAt) addressed.orWhere('project_invitations.orcid', user.orcid);
    });
}

/** Lists the invitations a user can accept. */
export async function listInvitationsFor(user: User): Promise<InvitationRow[]> {
  return (await pendingFor(user).orderBy('project_invitations.createdAt', 'desc')) as InvitationRow[];
}

/**
 * Accepts the pending invitations addressed to a user (or only the one with `onlyId`) and makes
 * the user a member. A user who is already a member keeps their role. Returns what was accepted.
 */
export async function acceptInvitations(user: User, actor: Actor, onlyId?: string): Promise<InvitationRow[]> {
  return Project.transaction(async (trx) => {
    // Locks only the invitations: FOR UPDATE cannot lock the outer-joined inviter.
    const query = pendingFor(user, trx).modify((builder) => (builder as unknown as Knex.QueryBuilder).forUpdate('project_invitations'));
    if (onlyId) query.where('project_invitations.id', onlyId);
    const pending = (await query) as InvitationRow[];

    for (const invitation of pending) {
      await ProjectMember.query(trx)
        .insert({ projectId: invitation.projectId, userId: user.id, role: invitation.role })
        .onConflict(['projectId', 'userId'])
        .ignore();
      await ProjectInvitation.query(trx).patch({ acceptedAt: new Date(), acceptedBy: user.id }).where({ id: invitation.id });
      await recordAudit(
        {
          action: 'invitation.accept',
          actor,
          target: { type: 'invitation', id: invitation.id },
          projectId: invitation.projectId,
          details: { role: invitation.role, userId: user.id },
        },
        trx,
      );
    }
    return pending;
  });
}
