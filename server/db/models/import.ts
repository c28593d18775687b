import type { RelationMappings } from 'objection';
import type { ImportCounts, ImportFormat, ImportIssue, ImportMapping, ImportMappingUpdate, ImportPhase, ImportState, InvalidRowPolicy } from '../../../common/api/imports.js';
import { BaseModel } from './base-model.js';
import { Dataset } from './dataset.js';

/** An uploaded file and the job that loads it into a dataset. */
export class Import extends BaseModel {
  static override tableName = 'imports';
  static override jsonAttributes = ['mapping', 'counts', 'issues', 'plan', 'options'];

  id!: string;
  datasetId!: string;
  userId!: string | null;
  originalName!: string;
  storageKey!: string;
  sizeBytes!: number;
  checksumSha256!: string | null;
  format!: ImportFormat | null;
  mapping!: ImportMapping | null;
  /** The worker's plan for the load, as the analysis made it; internal, never sent to clients. */
  plan!: Record<string, unknown> | null;
  /** The uploader's changes to the proposed mapping. */
  options!: ImportMappingUpdate;
  invalidRows!: InvalidRowPolicy | null;
  bytesReceived!: number;
  heartbeatAt!: Date | null;
  reportKey!: string | null;
  revision!: number;
  uploadId!: string | null;
  loadRequestedAt!: Date | null;
  state!: ImportState;
  phase!: ImportPhase;
  rowsDone!: number;
  rowsTotal!: number | null;
  counts!: ImportCounts;
  issues!: ImportIssue[];
  issueCount!: number;
  error!: string | null;
  changeSeq!: number | null;
  startedAt!: Date | null;
  finishedAt!: Date | null;

  static override get relationMappings(): RelationMappings {
    return {
      dataset: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Dataset,
        join: { from: 'imports.datasetId', to: 'datasets.id' },
      },
    };
  }
}
