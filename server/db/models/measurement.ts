import type { RelationMappings } from 'objection';
import { BaseModel } from './base-model.js';
import { DatasetField } from './dataset-field.js';
import { Sample } from './sample.js';

export class Measurement extends BaseModel {
  static override tableName = 'measurements';
  static override jsonAttributes: string[] = [];

  id!: string;
  sampleId!: string;
  fieldId!: string;
  valueNumber!: number | null;
  valueText!: string | null;
  unit!: string | null;
  qualifier!: '<' | '>' | 'bdl' | null;
  detectionLimit!: number | null;
  uncertainty!: number | null;
  method!: string | null;
  instrument!: string | null;
  measuredAt!: Date | string | null;
  importId!: string | null;

  static override get relationMappings(): RelationMappings {
    return {
      sample: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Sample,
        join: { from: 'measurements.sampleId', to: 'samples.id' },
      },
      field: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: DatasetField,
        join: { from: 'measurements.fieldId', to: 'dataset_fields.id' },
      },
    };
  }
}
