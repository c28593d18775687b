import type { Member } from '../../common/api/members.js';
import type { ProjectRole } from '../../common/api/projects.js';
import { Project } from '../db/models/project.js';
import { User } from '../db/models/user.js';
import { ProjectMember } from '../db/models/project-member.js';
import { HttpError, notFound } from '../http/http-error.js';
import { iso } from './timestamps.js';

interface MemberRow {
  userId: string;
  role: ProjectRole;
  createdAt: Date;
  displayName: string;
  email: string | null;
  orcid: string | null;
}

/** Lists a project's members, owners first; email addresses only when `withEmail` is set. */
export async function listMembers(projectId: string, withEmail: boolean): Promise<Member[]> {
  const rows = (await ProjectMember.query()
    .select('project_members.userId', 'project_members.role', 'project_members.createdAt', 'users.displayName', 'users.email', 'users.orcid')
    .join('users', 'users.id', 'project_members.userId')
    .where('project_members.projectId', projectId)
    .orderByRaw("array_position(ARRAY['owner','manager','editor','viewer'], project_members.role), lower(users.display_name)")) as unknown as MemberRow[];
  return rows.map((row) => ({
    userId: row.userId,
    displayName: row.displayName,
    email: withEmail ? row.email : null,
    orcid: row.orcid,
    role: row.role,
    since: iso(row.createdAt),
  }));
}

/** Reads one membership, or throws 404. */
/** The membership of a user in a project, or undefined. */
export async function findMembership(projectId: string, userId: string): Promise<ProjectMember | undefined> {
  return ProjectMember.query().findById([projectId, userId]);
}

export async function getMembership(projectId: string, userId: string): Promise<ProjectMember> {
  const member = await ProjectMember.query().findById([projectId, userId]);
  if (!member) throw notFound('Member', userId);
  return member;
}

/**
 * Changes a member's role, or removes the member when `role` is null. A project always keeps an
 * owner: a change that would leave none throws 409. The owners are locked first, so two
 * concurrent changes cannot each remove a different last owner.
 */
export async function setMemberRole(projectId: string, userId: string, role: ProjectRole | null): Promise<ProjectMember> {
  return Project.transaction(async (trx) => {
    const owners = await ProjectMember.query(trx).where({ projectId, role: 'owner' }).forUpdate();
    const member = await ProjectMember.query(trx).findById([projectId, userId]).forUpdate();
    if (!member) throw notFound('Member', userId);

    const losesOwner = member.role === 'owner' && role !== 'owner';
    if (losesOwner && owners.length <= 1) {
      throw new HttpError('conflict', 'A project needs at least one owner; make another member owner first.');
    }
    if (role === null) {
      await ProjectMember.query(trx).deleteById([projectId, userId]);
    } else {
      await ProjectMember.query(trx).patch({ role }).where({ projectId, userId });
    }
    return member;
  });
}

/**
 * Adds a registered user to a project with a role. Throws 404 when no account has the id and 409
 * when the user is a member already (change the role instead).
 */
export async function addMember(projectId: string, userId: string, role: ProjectRole): Promise<ProjectMember> {
  const user = await User.query().findById(userId).select('id');
  if (!user) throw notFound('User', userId);

  try {
    return await ProjectMember.query().insertAndFetch({ projectId, userId, role });
  } catch (error) {
    if ((error as { nativeError?: { code?: string } }).nativeError?.code === '23505') {
      throw new HttpError('conflict', 'This user is a member of the project already; change their role instead.');
    }
    throw error;
  }
}
