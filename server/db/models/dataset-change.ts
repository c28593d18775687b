import type { DatasetOp } from '../../../common/events.js';
import { Model } from 'objection';

/** One entry of a dataset's change log; `seq` numbers the entries of a dataset from 1. */
export class DatasetChange extends Model {
  static override tableName = 'dataset_changes';
  static override idColumn = ['datasetId', 'seq'];
  static override jsonAttributes = ['ops'];

  datasetId!: string;
  seq!: number;
  authorUserId!: string | null;
  importId!: string | null;
  mutationId!: string | null;
  ops!: DatasetOp[];
  createdAt!: Date;
}
