import type { Knex } from 'knex';
import type { Sample } from '../../../common/api/samples.js';
import { EDITABLE_PROPERTIES, propertyCell, valueCell, type EditableProperty } from '../../../common/editing/cells.js';
import { writeHistory, type HistoryEntry } from './history.js';

/**
 * Keeps the per-cell seqs and the cell history current for changes made through the REST API, so
 * a live edit made against an older seq conflicts with them as with any other change.
 */
export async function recordSampleChange(
  trx: Knex.Transaction,
  datasetId: string,
  seq: number,
  sampleId: string,
  before: Partial<Sample> | null,
  after: Partial<Sample>,
): Promise<void> {
  const entries: HistoryEntry[] = before === null ? [{ targetId: sampleId, cell: 'row', oldValue: null, newValue: true }] : [];
  for (const property of EDITABLE_PROPERTIES) {
    if (!(property in after)) continue;
    if (before === null && isEmpty(after[property])) continue;
    entries.push({ targetId: sampleId, cell: propertyCell(property as EditableProperty), oldValue: before?.[property] ?? null, newValue: after[property] });
  }
  const oldValues = before?.values ?? {};
  const newValues = after.values ?? oldValues;
  for (const key of new Set([...Object.keys(oldValues), ...Object.keys(newValues)])) {
    const oldValue = oldValues[key] ?? null;
    const newValue = newValues[key] ?? null;
    if (JSON.stringify(oldValue) === JSON.stringify(newValue)) continue;
    entries.push({ targetId: sampleId, cell: valueCell(key), oldValue, newValue });
  }

  const cellSeqs = Object.fromEntries(entries.filter((entry) => entry.cell !== 'row').map((entry) => [entry.cell, seq]));
  await trx.raw('UPDATE samples SET seq = ?, cell_seqs = cell_seqs || ?::jsonb WHERE id = ?', [seq, JSON.stringify(cellSeqs), sampleId]);
  await writeHistory(trx, datasetId, seq, entries);
}

/** Records a REST change to a field: its seq for schema conflicts, and a history entry. */
export async function recordFieldChange(
  trx: Knex.Transaction,
  datasetId: string,
  seq: number,
  fieldId: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await trx('dataset_fields').where({ id: fieldId }).update({ seq });
  await writeHistory(trx, datasetId, seq, [{ targetId: fieldId, cell: 'field', oldValue: before, newValue: after }]);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}
