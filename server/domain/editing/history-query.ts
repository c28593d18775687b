import { Model } from 'objection';
import type { CellHistoryEntry } from '../../../common/api/history.js';
import type { Sample } from '../../db/models/sample.js';
import { iso } from '../timestamps.js';
import { authorFrom } from './history.js';

interface HistoryRow {
  seq: number;
  cell: string;
  oldValue: unknown;
  newValue: unknown;
  createdAt: Date;
  authorUserId: string | null;
  importId: string | null;
  kind: 'edit' | 'undo' | 'redo';
  displayName: string | null;
}

/**
 * Lists the changes of one cell of a sample (or of all its cells), newest first. A row that came
 * from an import ends with the import's entry, whose new value is the value before the first
 * later change: imports write no history rows of their own, so that a million-row import stays
 * one change-log entry.
 */
export async function cellHistory(sample: Sample, cell: string | undefined, limit: number): Promise<CellHistoryEntry[]> {
  const knex = Model.knex();
  const query = knex('cell_history as h')
    .join('dataset_changes as c', (join) => join.on('c.dataset_id', 'h.dataset_id').andOn('c.seq', 'h.seq'))
    .leftJoin('users as u', 'u.id', 'c.author_user_id')
    .where('h.dataset_id', sample.datasetId)
    .where('h.target_id', sample.id)
    .orderBy('h.seq', 'desc')
    // Within one change, a row's cells come before the row itself (added, or deleted).
    .orderByRaw("h.cell = 'row'")
    .limit(limit)
    .select('h.seq', 'h.cell', 'h.old_value', 'h.new_value', 'c.created_at', 'c.author_user_id', 'c.import_id', 'c.kind', 'u.display_name');
  if (cell) query.whereIn('h.cell', [cell, 'row']);
  const rows = (await query) as HistoryRow[];

  const entries: CellHistoryEntry[] = rows.map((row) => ({
    seq: Number(row.seq),
    kind: row.kind,
    cell: row.cell,
    author: authorFrom(row),
    changedAt: iso(row.createdAt),
    oldValue: row.oldValue,
    newValue: row.newValue,
  }));
  if (sample.importId && rows.length < limit) {
    const origin = await importEntry(sample, cell, entries);
    if (origin) entries.push(origin);
  }
  return entries;
}

/** Returns the value the import wrote: the oldest later entry's old value, or the current value when none changed it. */
function importedValue(sample: Sample, cell: string, later: CellHistoryEntry[]): unknown {
  const oldest = later.filter((entry) => entry.cell === cell).at(-1);
  return oldest ? oldest.oldValue : currentValue(sample, cell);
}

async function importEntry(sample: Sample, cell: string | undefined, later: CellHistoryEntry[]): Promise<CellHistoryEntry | null> {
  const change = (await Model.knex()('dataset_changes')
    .where({ datasetId: sample.datasetId, importId: sample.importId })
    .first('seq', 'createdAt', 'authorUserId', 'importId')) as { seq: number; createdAt: Date; authorUserId: string | null; importId: string } | undefined;
  if (!change) return null;

  const imported = cell === undefined ? null : importedValue(sample, cell, later);
  return {
    seq: Number(change.seq),
    kind: 'import',
    cell: cell ?? 'row',
    author: { type: 'import', id: change.importId, userId: change.authorUserId },
    changedAt: iso(change.createdAt),
    oldValue: null,
    newValue: cell === undefined ? true : imported,
  };
}

function currentValue(sample: Sample, cell: string): unknown {
  if (cell.startsWith('f:')) return sample.values[cell.slice(2)] ?? null;
  return (sample as unknown as Record<string, unknown>)[cell.slice(2)] ?? null;
}
