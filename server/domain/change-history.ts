import type { ChangeAuthor, DatasetChange } from '../../common/events.js';
import { DatasetChange as DatasetChangeRow } from '../db/models/dataset-change.js';
import { User } from '../db/models/user.js';
import { iso } from './timestamps.js';

/** Reads a dataset's change-log entries with a seq greater than `after`, in seq order. */
export async function listChangesAfter(datasetId: string, after: number, limit: number): Promise<DatasetChange[]> {
  const rows = await DatasetChangeRow.query()
    .where('datasetId', datasetId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit);

  const userIds = [...new Set(rows.map((row) => row.authorUserId).filter((id): id is string => id !== null))];
  const users = userIds.length > 0 ? await User.query().findByIds(userIds).select('id', 'displayName') : [];
  const names = new Map(users.map((user) => [user.id, user.displayName]));

  return rows.map((row) => ({
    datasetId: row.datasetId,
    seq: row.seq,
    mutationId: row.mutationId,
    author: authorOf(row, names),
    ops: row.ops,
    createdAt: iso(row.createdAt),
  }));
}

function authorOf(row: DatasetChangeRow, names: Map<string, string>): ChangeAuthor {
  if (row.importId) return { type: 'import', id: row.importId, userId: row.authorUserId };
  return { type: 'user', id: row.authorUserId ?? '', displayName: names.get(row.authorUserId ?? '') ?? 'Deleted user' };
}
