import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Field } from '../../common/api/fields.js';
import type { Sample } from '../../common/api/samples.js';
import { normaliseCellValue } from '../../common/cell-values.js';
import { normaliseProperty } from '../../common/editing/cells.js';
import { convertCellValue } from '../../common/editing/conversion.js';
import { LiveTable } from '../../common/editing/live-table.js';
import type { DatasetChange, DatasetOp } from '../../common/events.js';

const DATASET = '00000000-0000-4000-8000-000000000001';
const ROW = '00000000-0000-4000-8000-0000000000a1';
const FIELD: Field = {
  id: '00000000-0000-4000-8000-0000000000f1',
  datasetId: DATASET,
  key: 'depth_m',
  label: 'Depth',
  type: 'number',
  unit: 'm',
  description: '',
  termIri: null,
  vocabularyIri: null,
  required: false,
  position: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function sample(id: string, ord: number, values: Sample['values'] = {}): Sample {
  return {
    id,
    datasetId: DATASET,
    ord,
    name: `S${ord}`,
    igsn: null,
    parentId: null,
    material: null,
    location: null,
    locationText: null,
    elevation: null,
    collectedAt: null,
    collectedAtPrecision: null,
    values,
    version: 1,
    importId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function change(seq: number, ops: DatasetOp[], mutationId: string | null = null): DatasetChange {
  return { datasetId: DATASET, seq, mutationId, author: { type: 'user', id: 'u', displayName: 'U' }, ops, createdAt: '2026-01-01T00:00:00.000Z' };
}

const setDepth = (seq: number, before: number | null, after: number, mutationId: string | null = null) =>
  change(seq, [{ type: 'cell.set', sampleId: ROW, key: 'depth_m', before, after }], mutationId);

describe('LiveTable', () => {
  let host: { requestSync: ReturnType<typeof vi.fn<() => void>>; requestReload: ReturnType<typeof vi.fn<() => void>>; changed: ReturnType<typeof vi.fn<() => void>> };
  let table: LiveTable;

  beforeEach(() => {
    vi.useFakeTimers();
    host = { requestSync: vi.fn<() => void>(), requestReload: vi.fn<() => void>(), changed: vi.fn<() => void>() };
    table = new LiveTable({ datasetId: DATASET, clientId: 'client-one', seq: 10, fields: [FIELD], gapDelayMs: 100 }, host);
    table.loadRows([sample(ROW, 1, { depth_m: 1 })], 10, true);
  });

  afterEach(() => {
    table.dispose();
    vi.useRealTimers();
  });

  it('applies changes in seq order and buffers early ones', () => {
    table.receive(setDepth(12, 2, 3));
    expect(table.seq).toBe(10);
    expect(table.shownRow(ROW)!.values.depth_m).toBe(1);
    table.receive(setDepth(11, 1, 2));
    expect(table.seq).toBe(12);
    expect(table.shownRow(ROW)!.values.depth_m).toBe(3);
    table.receive(setDepth(11, 1, 2));
    expect(table.shownRow(ROW)!.values.depth_m).toBe(3);
    expect(host.requestSync).not.toHaveBeenCalled();
  });

  it('asks for a sync when a gap does not fill', () => {
    table.receive(setDepth(13, 2, 3));
    vi.advanceTimersByTime(99);
    expect(host.requestSync).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(host.requestSync).toHaveBeenCalledTimes(1);
  });

  it('shows an own edit at once and drops it when its echo arrives', () => {
    const request = table.edit([{ type: 'cell.set', sampleId: ROW, key: 'depth_m', value: '7 m' }]);
    expect(request).toMatchObject({ baseSeq: 10, clientId: 'client-one', mutationId: 'client-one-1' });
    expect(table.shownRow(ROW)!.values.depth_m).toBe(7);
    expect(table.committedRows()[0]!.values.depth_m).toBe(1);

    table.acknowledge(request.mutationId, { ok: true, seq: 11, conflicts: [], undoDepth: 1, redoDepth: 0 });
    expect(table.hasPendingEdits()).toBe(true);
    table.receive(setDepth(11, 1, 7, request.mutationId));
    expect(table.hasPendingEdits()).toBe(false);
    expect(table.shownRow(ROW)!.values.depth_m).toBe(7);
  });

  it('syncs when an acknowledged edit never arrives, as when its node died after commit', () => {
    const request = table.edit([{ type: 'cell.set', sampleId: ROW, key: 'depth_m', value: 5 }]);
    table.acknowledge(request.mutationId, { ok: true, seq: 11, conflicts: [], undoDepth: 1, redoDepth: 0 });
    vi.advanceTimersByTime(100);
    expect(host.requestSync).toHaveBeenCalledTimes(1);
    expect(table.shownRow(ROW)!.values.depth_m).toBe(5);
  });

  it('removes a rejected edit and keeps unanswered ones for resending', () => {
    const rejected = table.edit([{ type: 'cell.set', sampleId: ROW, key: 'depth_m', value: 5 }]);
    const unanswered = table.edit([{ type: 'sample.delete', sampleId: ROW }]);
    expect(table.shownIds()).toEqual([]);
    table.acknowledge(rejected.mutationId, { ok: false, error: { code: 'conflict', message: 'changed' }, conflicts: [] });
    expect(table.unacknowledged().map((request) => request.mutationId)).toEqual([unanswered.mutationId]);
    table.abandon(unanswered.mutationId);
    expect(table.shownIds()).toEqual([ROW]);
    expect(table.shownRow(ROW)!.values.depth_m).toBe(1);
  });

  it('applies changes made while rows were being read to those rows', () => {
    table.receive(setDepth(11, 1, 4));
    const other = '00000000-0000-4000-8000-0000000000a2';
    table.receive(change(12, [{ type: 'cell.set', sampleId: other, key: 'depth_m', before: 1, after: 9 }]));
    table.loadRows([sample(other, 2, { depth_m: 1 })], 11, true);
    expect(table.shownRow(other)!.values.depth_m).toBe(9);
  });

  it('puts a row an undo restores back at its place', () => {
    const [second, third] = ['00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-0000000000a3'];
    table.loadRows([sample(second, 2), sample(third, 3)], 10, true);
    table.receive(change(11, [{ type: 'sample.delete', sampleId: second, before: sample(second, 2) }]));
    expect(table.shownIds()).toEqual([ROW, third]);
    table.receive(change(12, [{ type: 'sample.insert', sample: sample(second, 2) }]));
    expect(table.shownIds()).toEqual([ROW, second, third]);
  });

  it('converts loaded values when a field is retyped and asks for a reload after an import', () => {
    table.receive(change(11, [{ type: 'field.update', fieldId: FIELD.id, before: { type: 'number' }, after: { type: 'text' } }]));
    expect(table.shownRow(ROW)!.values.depth_m).toBe('1');
    table.receive(change(12, [{ type: 'import.merge', importId: 'i', samplesAdded: 3, fieldsAdded: [] }]));
    expect(host.requestReload).toHaveBeenCalledTimes(1);
  });
});

describe('value normalisation', () => {
  it('accepts numbers written with the field unit and rejects other units', () => {
    expect(normaliseCellValue({ type: 'number', unit: 'mg/L' }, '12.5 mg/L')).toEqual({ ok: true, value: 12.5 });
    expect(normaliseCellValue({ type: 'number', unit: 'mg/L' }, ' 3 ')).toEqual({ ok: true, value: 3 });
    expect(normaliseCellValue({ type: 'number', unit: 'mg/L' }, '12 g/L')).toMatchObject({ ok: false, problem: expect.stringContaining('"g/L"') });
    expect(normaliseCellValue({ type: 'number', unit: null }, '12 m')).toMatchObject({ ok: false });
    expect(normaliseCellValue({ type: 'number', unit: 'm' }, '<0.01')).toEqual({ ok: true, value: '<0.01' });
    expect(normaliseCellValue({ type: 'integer', unit: null }, '2.5')).toMatchObject({ ok: false });
  });

  it('rounds coordinates and writes times as PostgreSQL returns them', () => {
    expect(normaliseProperty('location', { type: 'Point', coordinates: [8.1234567891234, -0.0000000001] })).toEqual({
      ok: true,
      value: { type: 'Point', coordinates: [8.123456789, 0] },
    });
    expect(normaliseProperty('collectedAt', '2024-05-01T14:00:00+02:00')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
    expect(normaliseProperty('location', { type: 'Point', coordinates: [200, 0] })).toMatchObject({ ok: false });
  });

  it('converts values for a retype or says why not', () => {
    expect(convertCellValue('12', 'integer')).toEqual({ ok: true, value: 12 });
    expect(convertCellValue(3.5, 'text')).toEqual({ ok: true, value: '3.5' });
    expect(convertCellValue('yes', 'boolean')).toEqual({ ok: true, value: true });
    expect(convertCellValue('2024-05-01', 'datetime')).toEqual({ ok: true, value: '2024-05-01T00:00:00Z' });
    expect(convertCellValue('deep', 'number')).toMatchObject({ ok: false });
  });
});
