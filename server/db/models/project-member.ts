import type { RelationMappings } from 'objection';
import type { ProjectRole } from '../../../common/api/projects.js';
import { BaseModel } from './base-model.js';
import { Project } from './project.js';
import { User } from './user.js';

export class ProjectMember extends BaseModel {
  static override tableName = 'project_members';
  static override jsonAttributes: string[] = [];
  static override idColumn = ['projectId', 'userId'];

  projectId!: string;
  userId!: string;
  role!: ProjectRole;

  static override get relationMappings(): RelationMappings {
    return {
      project: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Project,
        join: { from: 'project_members.projectId', to: 'projects.id' },
      },
      user: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: User,
        join: { from: 'project_members.userId', to: 'users.id' },
      },
    };
  }
}
