import type { PolygonGeometry } from '../../../common/api/common.js';
import type { Modifiers, QueryBuilder, RelationMappings } from 'objection';
import { BaseModel } from './base-model.js';
import { DatasetField } from './dataset-field.js';
import { Import } from './import.js';
import { Project } from './project.js';
import { Sample } from './sample.js';

export class Dataset extends BaseModel {
  static override tableName = 'datasets';
  static override jsonAttributes: string[] = [];

  id!: string;
  projectId!: string;
  title!: string;
  abstract!: string;
  license!: string | null;
  rights!: string;
  keywords!: string[];
  // Written as ISO strings, read back as Date.
  temporalStart!: Date | string | null;
  temporalEnd!: Date | string | null;
  spatialExtent!: PolygonGeometry | null;
  visibility!: 'private' | 'internal' | 'public';
  state!: 'draft' | 'published';
  version!: string;
  doi!: string | null;
  sourceName!: string;
  sourceUrl!: string | null;
  /** Until then only the metadata is visible outside the project. */
  embargoUntil!: Date | string | null;
  seq!: number;
  sampleCount!: number;
  locatedCount!: number;
  collectedStart!: Date | null;
  collectedEnd!: Date | null;
  createdBy!: string | null;

  static override get modifiers(): Modifiers<QueryBuilder<Dataset>> {
    return {
      /** Selects every column with the extent as GeoJSON rather than raw EWKB. */
      withGeoJson(query) {
        query.select('datasets.*', Dataset.raw('ST_AsGeoJSON(datasets.spatial_extent)::json AS spatial_extent'));
      },
    };
  }

  static override get relationMappings(): RelationMappings {
    return {
      project: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Project,
        join: { from: 'datasets.projectId', to: 'projects.id' },
      },
      fields: {
        relation: BaseModel.HasManyRelation,
        modelClass: DatasetField,
        join: { from: 'datasets.id', to: 'dataset_fields.datasetId' },
      },
      samples: {
        relation: BaseModel.HasManyRelation,
        modelClass: Sample,
        join: { from: 'datasets.id', to: 'samples.datasetId' },
      },
      imports: {
        relation: BaseModel.HasManyRelation,
        modelClass: Import,
        join: { from: 'datasets.id', to: 'imports.datasetId' },
      },
    };
  }
}
