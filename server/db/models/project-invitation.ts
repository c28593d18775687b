import { Model } from 'objection';
import type { ProjectRole } from '../../../common/api/projects.js';

/** An invitation to join a project, addressed to an email address or an ORCID iD. */
export class ProjectInvitation extends Model {
  static override tableName = 'project_invitations';

  id!: string;
  projectId!: string;
  email!: string | null;
  orcid!: string | null;
  role!: ProjectRole;
  invitedBy!: string | null;
  expiresAt!: Date;
  acceptedAt!: Date | null;
  acceptedBy!: string | null;
  revokedAt!: Date | null;
  createdAt!: Date;
}
