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
    table.loadWindow({ position: 0, total: 1, seq: 10, items: [sample(ROW, 1, { depth_m: 1 })] });
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
    expect(table.loadWindow({ position: 0, total: 2, seq: 11, items: [sample(ROW, 1, { depth_m: 4 }), sample(other, 2, { depth_m: 1 })] })).toBe('applied');
    expect(table.shownRow(other)!.values.depth_m).toBe(9);
    expect(table.shownIds()).toEqual([ROW, other]);
  });

  it('puts a row an undo restores back at its place', () => {
    const [second, third] = ['00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-0000000000a3'];
    table.loadWindow({ position: 0, total: 3, seq: 10, items: [sample(ROW, 1, { depth_m: 1 }), sample(second, 2), sample(third, 3)] });
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

describe('LiveTable windows', () => {
  const host = { requestSync: () => {}, requestReload: () => {}, changed: () => {} };
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  /** Rows n at ord 10·n, so inserts can fall between them. */
  const rows = (first: number, count: number) => Array.from({ length: count }, (_, i) => sample(id(first + i), (first + i) * 10));
  const insert = (seq: number, n: number, ord: number) => change(seq, [{ type: 'sample.insert', sample: sample(id(n), ord) }]);
  const remove = (seq: number, n: number, ord: number) => change(seq, [{ type: 'sample.delete', sampleId: id(n), before: sample(id(n), ord) }]);
  let table: LiveTable;

  beforeEach(() => {
    table = new LiveTable({ datasetId: DATASET, clientId: 'client-two', seq: 5, fields: [FIELD] }, host);
  });

  afterEach(() => table.dispose());

  it('holds a window far down without the rows before it', () => {
    expect(table.loadWindow({ position: 99_990, total: 100_000, seq: 5, items: rows(99_990, 10) })).toBe('applied');
    expect(table.shownCount()).toBe(100_000);
    expect(table.shownIdAt(99_999)).toBe(id(99_999));
    expect(table.shownIdAt(99_989)).toBeUndefined();
    expect(table.isComplete).toBe(false);
    expect(table.missing(99_980, 100_010)).toEqual([{ first: 99_980, last: 99_989 }]);
  });

  it('moves held rows when rows above them are inserted or deleted', () => {
    table.loadWindow({ position: 0, total: 1000, seq: 5, items: rows(0, 10) });
    table.loadWindow({ position: 500, total: 1000, seq: 5, items: rows(500, 10) });

    // Inside the first window: held at its place, and the second window moves down.
    table.receive(insert(6, 2000, 35));
    expect(table.shownIdAt(4)).toBe(id(2000));
    expect(table.shownIdAt(501)).toBe(id(500));
    // Between the windows: not held, but the second window still moves down.
    table.receive(insert(7, 2001, 3005));
    expect(table.shownIdAt(501)).toBeUndefined();
    expect(table.shownIdAt(502)).toBe(id(500));
    expect(table.shownCount()).toBe(1002);
    // A delete between the windows, and one of a held row.
    table.receive(remove(8, 300, 3000));
    table.receive(remove(9, 1, 10));
    expect(table.shownIdAt(500)).toBe(id(500));
    expect(table.shownIdAt(1)).toBe(id(2));
    expect(table.shownCount()).toBe(1000);
  });

  it('adds an appended row once the end is loaded', () => {
    table.loadWindow({ position: 0, total: 20, seq: 5, items: rows(0, 10) });
    table.receive(insert(6, 3000, 30_000));
    expect(table.shownIndexOf(id(3000))).toBe(-1);
    table.loadWindow({ position: 10, total: 21, seq: 6, items: [...rows(10, 10), sample(id(3000), 30_000)] });
    table.receive(insert(7, 3001, 30_010));
    expect(table.shownIndexOf(id(3001))).toBe(21);
    expect(table.isComplete).toBe(true);
  });

  it('replays the changes since an older window on it', () => {
    table.receive(insert(6, 2000, 5));
    table.receive(change(7, [{ type: 'cell.set', sampleId: id(3), key: 'depth_m', before: null, after: 42 }]));
    // Read at seq 5: before the insert at the top and the cell change.
    expect(table.loadWindow({ position: 0, total: 10, seq: 5, items: rows(0, 10) })).toBe('applied');
    expect(table.shownIdAt(0)).toBe(id(0));
    expect(table.shownIdAt(1)).toBe(id(2000));
    expect(table.shownIdAt(4)).toBe(id(3));
    expect(table.shownRow(id(3))!.values.depth_m).toBe(42);
    expect(table.shownCount()).toBe(11);
  });

  it('keeps a window read ahead until the table reaches its seq', () => {
    expect(table.loadWindow({ position: 0, total: 11, seq: 6, items: [sample(id(0), 0), sample(id(2000), 5), ...rows(1, 9)] })).toBe('waiting');
    expect(table.shownIdAt(0)).toBeUndefined();
    table.receive(insert(6, 2000, 5));
    expect(table.shownIdAt(1)).toBe(id(2000));
    expect(table.shownCount()).toBe(11);
  });

  it('reports a window older than the changes it remembers', () => {
    const short = new LiveTable({ datasetId: DATASET, clientId: 'client-three', seq: 5, fields: [FIELD], recentChanges: 1 }, host);
    short.receive(insert(6, 2000, 5));
    short.receive(insert(7, 2001, 6));
    expect(short.loadWindow({ position: 0, total: 10, seq: 5, items: rows(0, 10) })).toBe('outdated');
    short.dispose();
  });

  it('shows an own row below its anchor', () => {
    table.loadWindow({ position: 0, total: 5000, seq: 5, items: rows(0, 10) });
    table.edit([{ type: 'sample.insert', sample: { id: id(9000), name: 'first' }, afterId: id(3) }]);
    table.edit([{ type: 'sample.insert', sample: { id: id(9001), name: 'second' }, afterId: id(3) }]);
    table.edit([{ type: 'sample.insert', sample: { id: id(9002), name: 'under first' }, afterId: id(9000) }]);
    expect(table.shownIds().slice(3, 8)).toEqual([id(3), id(9001), id(9000), id(9002), id(4)]);
    expect(table.shownIndexOf(id(9))).toBe(12);
    expect(table.shownCount()).toBe(5003);
  });

  it('applies the ords of rows moved for an insert', () => {
    table.loadWindow({ position: 0, total: 4, seq: 5, items: [sample(id(0), 100), sample(id(1), 101), sample(id(2), 102), sample(id(3), 1000)] });
    const moved = { [id(1)]: 400, [id(2)]: 700 };
    table.receive(change(6, [{ type: 'sample.insert', sample: sample(id(50), 250), moved }]));
    expect(table.shownIds()).toEqual([id(0), id(50), id(1), id(2), id(3)]);
    expect(table.shownRow(id(2))!.ord).toBe(700);
    // A later insert between the moved rows lands by their new ords.
    table.receive(change(7, [{ type: 'sample.insert', sample: sample(id(51), 500) }]));
    expect(table.shownIds()).toEqual([id(0), id(50), id(1), id(51), id(2), id(3)]);
  });

  it('maps shown positions to committed ones', () => {
    table.loadWindow({ position: 0, total: 5000, seq: 5, items: rows(0, 10) });
    expect(table.committedRangeFor(20, 30)).toEqual({ first: 20, last: 30 });
    table.edit([
      { type: 'sample.insert', sample: { id: id(9000), name: 'a' }, afterId: id(1) },
      { type: 'sample.insert', sample: { id: id(9001), name: 'b' }, afterId: id(9000) },
    ]);
    table.edit([{ type: 'sample.delete', sampleId: id(5) }]);
    // Rows shown at 20 to 30 are the committed rows 19 to 29; the range covers them with room.
    expect(table.committedRangeFor(20, 30)).toEqual({ first: 17, last: 33 });
    expect(table.committedRangeFor(1, 2)).toEqual({ first: 0, last: 5 });
  });

  it('shows an own new row at the end', () => {
    table.loadWindow({ position: 0, total: 5000, seq: 5, items: rows(0, 10) });
    table.edit([{ type: 'sample.insert', sample: { id: id(9000), name: 'new' } }]);
    expect(table.shownCount()).toBe(5001);
    expect(table.shownIndexOf(id(9000))).toBe(5000);
    table.edit([{ type: 'sample.delete', sampleId: id(2) }]);
    expect(table.shownIdAt(2)).toBe(id(3));
    expect(table.shownIndexOf(id(9000))).toBe(4999);
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

  it('asks for a decimal point instead of a comma', () => {
    expect(normaliseCellValue({ type: 'number', unit: '°C' }, '8,6')).toEqual({
      ok: false,
      problem: '"8,6" has a comma; write numbers with a decimal point and no digit groups, such as 8.6',
    });
    expect(normaliseCellValue({ type: 'integer', unit: null }, '1,234')).toEqual({
      ok: false,
      problem: '"1,234" has a comma; write numbers with a decimal point and no digit groups, such as 1234.5',
    });
    expect(normaliseCellValue({ type: 'text', unit: null }, '8,6')).toEqual({ ok: true, value: '8,6' });
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
