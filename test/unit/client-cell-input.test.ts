import { describe, expect, it } from 'vitest';
import type { Field } from '../../common/api/fields.js';
import type { Sample } from '../../common/api/samples.js';
import { cellColumn, cellInput, cellLabel, columnCell, parseClipboardTable } from '../../client/src/dataset/cell-input.js';

const DEPTH: Field = {
  id: '00000000-0000-4000-8000-0000000000f1',
  datasetId: '00000000-0000-4000-8000-000000000001',
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
const WET: Field = { ...DEPTH, id: '00000000-0000-4000-8000-0000000000f2', key: 'wet', label: 'Wet', type: 'boolean', unit: null };
const SAMPLE = { id: '00000000-0000-4000-8000-0000000000a1', location: { type: 'Point', coordinates: [8, 46] } } as Sample;
const UNLOCATED = { ...SAMPLE, location: null } as Sample;

describe('cellInput', () => {
  it('turns typed values into operations', () => {
    expect(cellInput('field:depth_m', SAMPLE, '12.5 m', [DEPTH])).toEqual({ ok: true, op: { type: 'cell.set', sampleId: SAMPLE.id, key: 'depth_m', value: 12.5 } });
    expect(cellInput('field:depth_m', SAMPLE, '', [DEPTH])).toMatchObject({ ok: true, op: { value: null } });
    expect(cellInput('field:wet', SAMPLE, 'Yes', [WET])).toMatchObject({ ok: true, op: { value: true } });
    expect(cellInput('name', SAMPLE, '  Core 7 ', [])).toMatchObject({ ok: true, op: { type: 'sample.set', property: 'name', value: 'Core 7' } });
    expect(cellInput('collectedAt', SAMPLE, '2024-05-01', [])).toMatchObject({ ok: true, op: { value: '2024-05-01T00:00:00.000Z' } });
  });

  it('rejects values that do not fit, saying why', () => {
    expect(cellInput('field:depth_m', SAMPLE, '12 ft', [DEPTH])).toMatchObject({ ok: false, problem: expect.stringContaining('"ft"') });
    expect(cellInput('field:wet', SAMPLE, 'maybe', [WET])).toMatchObject({ ok: false, problem: 'Wet: expected true or false.' });
    expect(cellInput('field:gone', SAMPLE, '1', [DEPTH])).toMatchObject({ ok: false });
    expect(cellInput('collectedAt', SAMPLE, 'yesterday', [])).toMatchObject({ ok: false });
  });

  it('moves a location by one coordinate or both', () => {
    expect(cellInput('latitude', SAMPLE, '47.5', [])).toMatchObject({ ok: true, op: { property: 'location', value: { coordinates: [8, 47.5] } } });
    expect(cellInput('longitude', SAMPLE, '9', [])).toMatchObject({ ok: true, op: { value: { coordinates: [9, 46] } } });
    expect(cellInput('latitude', UNLOCATED, '47.5, 8.25', [])).toMatchObject({ ok: true, op: { value: { coordinates: [8.25, 47.5] } } });
    expect(cellInput('latitude', UNLOCATED, '47.5', [])).toMatchObject({ ok: false, problem: expect.stringContaining('latitude and longitude together') });
    expect(cellInput('latitude', SAMPLE, '95', [])).toMatchObject({ ok: false });
  });

  it('maps grid columns to cell keys and back', () => {
    expect(columnCell('field:depth_m')).toBe('f:depth_m');
    expect(columnCell('longitude')).toBe('p:location');
    expect(cellColumn('p:location')).toBe('latitude');
    expect(cellColumn('f:depth_m')).toBe('field:depth_m');
  });
});

describe('cellLabel', () => {
  const columns = [
    { id: 'name', label: 'Name' },
    { id: 'field:depth_m', label: 'Depth' },
  ];

  it('names a cell by its column label', () => {
    expect(cellLabel('f:depth_m', columns)).toBe('Depth');
    expect(cellLabel('p:name', columns)).toBe('Name');
    expect(cellLabel('p:location', columns)).toBe('Location');
  });

  it('names a removed field by its label', () => {
    expect(cellLabel('f:note', columns, new Map([['field:note', 'Field note']]))).toBe('Field note');
    expect(cellLabel('f:note', columns)).toBe('note');
  });
});

describe('parseClipboardTable', () => {
  it('splits spreadsheet text into rows and cells', () => {
    expect(parseClipboardTable('a\tb\r\nc\td\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseClipboardTable('"line one\nline two"\t"say ""hi"""')).toEqual([['line one\nline two', 'say "hi"']]);
    expect(parseClipboardTable('single')).toEqual([['single']]);
  });
});
