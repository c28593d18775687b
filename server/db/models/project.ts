import type { RelationMappings } from 'objection';
import { BaseModel } from './base-model.js';
import { Dataset } from './dataset.js';
import { ProjectMember } from './project-member.js';
import { User } from './user.js';

export interface Funding {
  funderName: string;
  funderIdentifier?: string;
  awardNumber?: string;
  awardTitle?: string;
}

export class Project extends BaseModel {
  static override tableName = 'projects';
  static override jsonAttributes = ['funding'];

  id!: string;
  title!: string;
  description!: string;
  status!: 'planned' | 'active' | 'completed' | 'archived';
  keywords!: string[];
  funding!: Funding[];
  createdBy!: string | null;
  datasetCount?: number;

  datasets?: Dataset[];
  members?: ProjectMember[];

  static override get relationMappings(): RelationMappings {
    return {
      datasets: {
        relation: BaseModel.HasManyRelation,
        modelClass: Dataset,
        join: { from: 'projects.id', to: 'datasets.projectId' },
      },
      members: {
        relation: BaseModel.HasManyRelation,
        modelClass: ProjectMember,
        join: { from: 'projects.id', to: 'project_members.projectId' },
      },
      creator: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: User,
        join: { from: 'projects.createdBy', to: 'users.id' },
      },
    };
  }
}
