import type { Knex } from 'knex';
import type { ChangeAuthor } from '../../../common/events.js';

/** One cell's, row's or field's change within one change-log entry. */
export interface HistoryEntry {
  targetId: string;
  cell: string;
  oldValue: unknown;
  newValue: unknown;
}

/**
 * Collects the history entries of one change. Several operations of one edit may touch the same
 * cell, such as a paste over a cell typed a moment before. The entry keeps the first old value and
 * the last new one, because the table has one row per cell and change.
 */
export class HistoryCollector {
  private readonly entries = new Map<string, HistoryEntry>();

  record(targetId: string, cell: string, oldValue: unknown, newValue: unknown): void {
    const key = `${targetId}|${cell}`;
    const existing = this.entries.get(key);
    if (existing) {
      existing.newValue = newValue;
      return;
    }
    this.entries.set(key, { targetId, cell, oldValue, newValue });
  }

  get size(): number {
    return this.entries.size;
  }

  values(): HistoryEntry[] {
    return [...this.entries.values()];
  }
}

const INSERT_BATCH = 2000;

/** Writes a change's history entries; call after appendChange, whose row they reference. */
export async function writeHistory(trx: Knex | Knex.Transaction, datasetId: string, seq: number, entries: HistoryEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += INSERT_BATCH) {
    const batch = entries.slice(start, start + INSERT_BATCH);
    await trx('cell_history').insert(
      batch.map((entry) => ({
        datasetId,
        targetId: entry.targetId,
        cell: entry.cell,
        seq,
        oldValue: JSON.stringify(entry.oldValue ?? null),
        newValue: JSON.stringify(entry.newValue ?? null),
      })),
    );
  }
}

/** Returns the seq of the latest deletion of each row or field among `ids`, for conflicts on things that are gone. */
export async function latestRemovals(
  trx: Knex | Knex.Transaction,
  datasetId: string,
  kind: 'row' | 'field',
  ids: string[],
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await trx('cell_history')
    .where({ datasetId, cell: kind })
    .whereIn('targetId', ids)
    .whereRaw("new_value = 'null'::jsonb")
    .groupBy('targetId')
    .select('targetId', trx.raw('max(seq) AS seq'));
  return new Map(rows.map((row: { targetId: string; seq: number }) => [row.targetId, Number(row.seq)]));
}

/** Returns the seq of the latest removal of a field with the given key after `afterSeq`, or null. */
export async function latestFieldKeyRemoval(trx: Knex | Knex.Transaction, datasetId: string, key: string, afterSeq: number): Promise<number | null> {
  const row = await trx('cell_history')
    .where({ datasetId, cell: 'field' })
    .where('seq', '>', afterSeq)
    .whereRaw("new_value = 'null'::jsonb AND old_value->>'key' = ?", [key])
    .max('seq as seq')
    .first();
  return row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
}

/** Reads who made each of the given changes and when. */
export async function changeAuthors(
  db: Knex | Knex.Transaction,
  datasetId: string,
  seqs: number[],
): Promise<Map<number, { author: ChangeAuthor; createdAt: string }>> {
  if (seqs.length === 0) return new Map();
  const rows = await db('dataset_changes as c')
    .leftJoin('users as u', 'u.id', 'c.author_user_id')
    .where('c.dataset_id', datasetId)
    .whereIn('c.seq', [...new Set(seqs)])
    .select('c.seq', 'c.author_user_id', 'c.import_id', 'c.created_at', 'u.display_name');
  return new Map(
    rows.map((row: { seq: number; authorUserId: string | null; importId: string | null; createdAt: Date; displayName: string | null }) => [
      Number(row.seq),
      { author: authorFrom(row), createdAt: row.createdAt.toISOString() },
    ]),
  );
}

/** Turns a change-log row's author columns into a ChangeAuthor. */
export function authorFrom(row: { authorUserId: string | null; importId: string | null; displayName: string | null }): ChangeAuthor {
  if (row.importId) return { type: 'import', id: row.importId, userId: row.authorUserId };
  return { type: 'user', id: row.authorUserId ?? '', displayName: row.displayName ?? 'Deleted user' };
}
