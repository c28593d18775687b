import type { RelationMappings } from 'objection';
import type { PortalRole } from '../../../common/api/users.js';
import { BaseModel } from './base-model.js';
import { ProjectMember } from './project-member.js';

export class User extends BaseModel {
  static override tableName = 'users';
  static override jsonAttributes: string[] = [];

  id!: string;
  email!: string | null;
  displayName!: string;
  orcid!: string | null;
  passwordHash!: string | null;
  role!: PortalRole;
  emailVerifiedAt!: Date | null;
  /** Set when the user signed in with ORCID; until then `orcid` is only what someone typed. */
  orcidVerifiedAt!: Date | null;

  static override get relationMappings(): RelationMappings {
    return {
      memberships: {
        relation: BaseModel.HasManyRelation,
        modelClass: ProjectMember,
        join: { from: 'users.id', to: 'project_members.userId' },
      },
    };
  }
}
