import type { ProjectMemberDto } from '../../common/api/members.js';
import type { ProjectRole } from '../../common/api/projects.js';
import { ProjectMember } from '../db/models/project-member.js';
import { User } from '../db/models/user.js';
import { HttpError, notFound } from '../http/http-error.js';
import { iso } from './timestamps.js';

/** The result of setting a member's role: the role before (null for a new member) and after. */
export interface MembershipChange {
  previousRole: ProjectRole | null;
  role: ProjectRole;
}

/** Lists a project's members with their names, owners first. */
export async function listMembers(projectId: string): Promise<ProjectMemberDto[]> {
  const rows = await ProjectMember.query()
    .joinRelated('user')
    .where('projectMembers.projectId', projectId)
    .select('projectMembers.*', 'user.displayName', 'user.email')
    .orderByRaw("array_position(ARRAY['owner', 'manager', 'editor', 'viewer'], project_members.role), lower(\"user\".display_name)");
  return rows.map((row) => {
    const named = row as ProjectMember & { displayName: string; email: string };
    return { userId: named.userId, displayName: named.displayName, email: named.email, role: named.role, createdAt: iso(named.createdAt) };
  });
}

/**
 * Adds a user to a project or changes the user's role there. The project's last owner cannot be
 * demoted, because a project needs someone who may manage it.
 */
export async function putMember(projectId: string, userId: string, role: ProjectRole): Promise<MembershipChange> {
  if (!(await User.query().findById(userId).select('id'))) throw notFound('User', userId);

  return ProjectMember.transaction(async (trx) => {
    const current = await ProjectMember.query(trx).findById([projectId, userId]).forUpdate();
    if (current?.role === role) return { previousRole: role, role };
    if (current?.role === 'owner') await assertAnotherOwner(projectId, userId, trx);

    if (current) await ProjectMember.query(trx).patch({ role }).findById([projectId, userId]);
    else await ProjectMember.query(trx).insert({ projectId, userId, role });
    return { previousRole: current?.role ?? null, role };
  });
}

/** Removes a member; the project's last owner cannot be removed. Returns false when the user was not a member. */
export async function removeMember(projectId: string, userId: string): Promise<boolean> {
  return ProjectMember.transaction(async (trx) => {
    const current = await ProjectMember.query(trx).findById([projectId, userId]).forUpdate();
    if (!current) return false;
    if (current.role === 'owner') await assertAnotherOwner(projectId, userId, trx);
    await ProjectMember.query(trx).deleteById([projectId, userId]);
    return true;
  });
}

async function assertAnotherOwner(projectId: string, userId: string, trx: Parameters<typeof ProjectMember.query>[0]): Promise<void> {
  // Locks the other owners' rows, so two requests cannot each remove one of the last two owners.
  const others = await ProjectMember.query(trx).where({ projectId, role: 'owner' }).whereNot('userId', userId).forUpdate();
  if (others.length === 0) {
    throw new HttpError('conflict', 'A project needs at least one owner; make another member owner first.');
  }
}
