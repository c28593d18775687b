import type { PointGeometry } from '../../../common/api/common.js';
import type { Modifiers, QueryBuilder, RelationMappings } from 'objection';
import type { CellValue } from '../../../common/api/samples.js';
import { BaseModel } from './base-model.js';
import { Dataset } from './dataset.js';
import { Measurement } from './measurement.js';

export class Sample extends BaseModel {
  static override tableName = 'samples';
  static override jsonAttributes = ['values'];

  id!: string;
  datasetId!: string;
  ord!: number;
  name!: string;
  igsn!: string | null;
  parentId!: string | null;
  material!: string | null;
  location!: PointGeometry | null;
  locationText!: string | null;
  elevation!: number | null;
  collectedAt!: Date | string | null;
  collectedAtPrecision!: string | null;
  values!: Record<string, CellValue>;
  version!: number;
  importId!: string | null;

  static override get modifiers(): Modifiers<QueryBuilder<Sample>> {
    return {
      /** Selects every column with the location as GeoJSON rather than raw EWKB. */
      withGeoJson(query) {
        query.select('samples.*', Sample.raw('ST_AsGeoJSON(samples.location)::json AS location'));
      },
    };
  }

  static override get relationMappings(): RelationMappings {
    return {
      dataset: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Dataset,
        join: { from: 'samples.datasetId', to: 'datasets.id' },
      },
      parent: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Sample,
        join: { from: 'samples.parentId', to: 'samples.id' },
      },
      measurements: {
        relation: BaseModel.HasManyRelation,
        modelClass: Measurement,
        join: { from: 'samples.id', to: 'measurements.sampleId' },
      },
    };
  }
}
