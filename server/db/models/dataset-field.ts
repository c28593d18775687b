import type { RelationMappings } from 'objection';
import type { FieldType } from '../../../common/api/fields.js';
import { BaseModel } from './base-model.js';
import { Dataset } from './dataset.js';

export class DatasetField extends BaseModel {
  static override tableName = 'dataset_fields';
  static override jsonAttributes: string[] = [];

  id!: string;
  datasetId!: string;
  key!: string;
  label!: string;
  type!: FieldType;
  unit!: string | null;
  description!: string;
  termIri!: string | null;
  vocabularyIri!: string | null;
  required!: boolean;
  position!: number;

  static override get relationMappings(): RelationMappings {
    return {
      dataset: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Dataset,
        join: { from: 'dataset_fields.datasetId', to: 'datasets.id' },
      },
    };
  }
}
