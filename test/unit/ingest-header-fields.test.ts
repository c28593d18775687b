import { describe, expect, it } from 'vitest';
import { parseHeader, parseHeaders } from '../../workers/ingest/header-fields.js';

describe('parseHeader', () => {
  it('takes the unit from round brackets', () => {
    expect(parseHeader('Body Mass (g)', 1)).toEqual({ header: 'Body Mass (g)', label: 'Body Mass', unit: 'g', key: 'body_mass', renamed: null });
  });

  it('takes the unit from square brackets', () => {
    expect(parseHeader('Temp [°C]', 1)).toEqual({ header: 'Temp [°C]', label: 'Temp', unit: '°C', key: 'temp', renamed: null });
  });

  it('keeps a header without a unit whole', () => {
    expect(parseHeader('  Culmen Length  ', 1)).toEqual({ header: 'Culmen Length', label: 'Culmen Length', unit: null, key: 'culmen_length', renamed: null });
  });

  it('keeps a header that is only brackets as its label', () => {
    const parsed = parseHeader('(g)', 1);
    expect(parsed.label).toBe('(g)');
    expect(parsed.unit).toBeNull();
    expect(parsed.key).toBe('g');
  });

  it('strips accents and starts keys with a letter', () => {
    expect(parseHeader('Température', 1).key).toBe('temperature');
    expect(parseHeader('2nd run', 1).key).toBe('f_2nd_run');
    expect(parseHeader('δ18O (‰)', 1)).toMatchObject({ label: 'δ18O', unit: '‰', key: 'f_18o' });
  });

  it('names an empty header after its position', () => {
    expect(parseHeader('', 3)).toEqual({ header: '', label: 'Column 3', unit: null, key: 'column_3', renamed: 'blank' });
  });

  it('names a header of invisible characters after its position', () => {
    expect(parseHeader('\u200B\uFEFF \u2060', 2)).toEqual({ header: '', label: 'Column 2', unit: null, key: 'column_2', renamed: 'blank' });
  });

  it('drops zero-width and bidirectional controls', () => {
    expect(parseHeader('\u200Bdepth', 1)).toMatchObject({ header: 'depth', label: 'depth' });
    expect(parseHeader('\u202Edepth (m)\u202C', 1)).toMatchObject({ header: 'depth (m)', label: 'depth', unit: 'm' });
    expect(parseHeader('\u2067עומק\u2069', 1)).toMatchObject({ header: 'עומק', label: 'עומק' });
  });

  it('keeps joiners and marks that scripts need', () => {
    expect(parseHeader('\u05E2\u200F1', 1).label).toBe('\u05E2\u200F1');
    expect(parseHeader('می\u200Cخواهم', 1).label).toBe('می\u200Cخواهم');
  });

  it('derives keys that match the field key rule', () => {
    const keys = ['A very long header '.repeat(10), '!!!', 'x-y z', 'UPPER_case'].map((header) => parseHeader(header, 1).key);
    for (const key of keys) expect(key).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
  });
});

describe('parseHeaders', () => {
  it('makes duplicate keys unique in column order', () => {
    expect(parseHeaders(['depth', 'Depth (m)', 'depth', 'DEPTH']).map((header) => header.key)).toEqual(['depth', 'depth_2', 'depth_3', 'depth_4']);
  });
});
