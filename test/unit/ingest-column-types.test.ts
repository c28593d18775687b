import { describe, expect, it } from 'vitest';
import { ColumnProfile } from '../../workers/ingest/column-profile.js';
import type { FieldType } from '../../common/api/fields.js';
import { inferColumnType, invalidCoordinates, typeAs, widenedFieldType as widenedWithStyle } from '../../workers/ingest/column-types.js';
import { DEFAULT_MISSING_VALUES } from '../../workers/ingest/missing-values.js';
import { detectNumberStyle } from '../../workers/ingest/numbers.js';

function profileOf(values: unknown[]): ColumnProfile {
  const profile = new ColumnProfile(DEFAULT_MISSING_VALUES);
  for (const value of values) profile.observe(value);
  return profile;
}

// Each test column is its own file here, so its number style is detected from its values alone.
function styleOf(profile: ColumnProfile) {
  return detectNumberStyle(profile.shapes);
}

function typeOf(values: unknown[]) {
  const profile = profileOf(values);
  const typing = inferColumnType(profile, styleOf(profile));
  return { type: typing.type, decimalMark: styleOf(profile).decimal, invalid: typing.invalid };
}

function typeAsField(profile: ColumnProfile, type: FieldType) {
  const typing = typeAs(profile, type, styleOf(profile));
  return { type: typing.type, decimalMark: styleOf(profile).decimal, invalid: typing.invalid };
}

function widenedFieldType(profile: ColumnProfile, type: FieldType) {
  return widenedWithStyle(profile, type, styleOf(profile));
}

function typeAsCoordinate(profile: ColumnProfile) {
  return { type: 'number', decimalMark: styleOf(profile).decimal, invalid: invalidCoordinates(profile, styleOf(profile)) };
}

describe('inferColumnType', () => {
  it('types whole numbers as integer, ignoring missing values', () => {
    expect(typeOf(['1', '-2', '', 'NA', '300', '0'])).toEqual({ type: 'integer', decimalMark: '.', invalid: 0 });
  });

  it('types a mix of integers and decimals as number', () => {
    expect(typeOf(['1', '2.5', '-0.25', '1e-3'])).toEqual({ type: 'number', decimalMark: '.', invalid: 0 });
  });

  it('counts detection-limit values as numeric', () => {
    expect(typeOf(['0.12', '<0.01', 'BDL', '>10000', '3.4'])).toEqual({ type: 'number', decimalMark: '.', invalid: 0 });
  });

  it('reads a column written with decimal commas as number', () => {
    expect(typeOf(['3,5', '4', '12,25'])).toEqual({ type: 'number', decimalMark: ',', invalid: 0 });
  });

  it('types true/false and yes/no as boolean', () => {
    expect(typeOf(['true', 'FALSE', 'yes', 'No']).type).toBe('boolean');
  });

  it('types ISO dates as date and mixed dates and date-times as datetime', () => {
    expect(typeOf(['2024-01-31', '2023-02-28']).type).toBe('date');
    expect(typeOf(['2024-01-31', '2024-01-31T10:15:00Z', '2024-02-01 08:00']).type).toBe('datetime');
  });

  it('keeps codes with leading zeros as text', () => {
    expect(typeOf(['00123', '04567', '12345']).type).toBe('text');
  });

  it('types a numeric column with a few typos as numeric and counts the typos', () => {
    const values = Array.from({ length: 19 }, (_, index) => String(index * 1.5));
    values.push('12..5');
    expect(typeOf(values)).toEqual({ type: 'number', decimalMark: '.', invalid: 1 });
  });

  it('types a column with many non-numbers as text', () => {
    expect(typeOf(['1', '2', 'three', 'four', '5']).type).toBe('text');
  });

  it('types an empty column as text', () => {
    expect(typeOf(['', 'NA', null])).toEqual({ type: 'text', decimalMark: '.', invalid: 0 });
  });

  it('types GeoJSON numbers and booleans by their JSON type', () => {
    expect(typeOf([1, 2, null, 40]).type).toBe('integer');
    expect(typeOf([1.5, 2, 3]).type).toBe('number');
    expect(typeOf([true, false]).type).toBe('boolean');
    expect(typeOf([{ a: 1 }, 'x']).type).toBe('text');
  });

  it('rejects impossible dates', () => {
    expect(typeOf(['2023-02-29', '2023-13-01', '2023-04-31']).type).toBe('text');
  });
});

describe('typeAs', () => {
  it('counts the values that do not fit an existing field type', () => {
    expect(typeAsField(profileOf(['1', '2.5', 'x']), 'integer')).toEqual({ type: 'integer', decimalMark: '.', invalid: 2 });
    expect(typeAsField(profileOf(['1', 'x']), 'text').invalid).toBe(0);
  });
});

describe('widenedFieldType', () => {
  it('widens an integer field that gets decimals', () => {
    expect(widenedFieldType(profileOf(['1', '2.5']), 'integer')).toBe('number');
    expect(widenedFieldType(profileOf(['1', '2,5']), 'integer')).toBe('number');
    expect(widenedFieldType(profileOf([1, 2.5]), 'integer')).toBe('number');
  });

  it('keeps an integer field for whole numbers and text', () => {
    expect(widenedFieldType(profileOf(['1', '<3', '']), 'integer')).toBe('integer');
    expect(widenedFieldType(profileOf(['1', 'deep']), 'integer')).toBe('integer');
  });

  it('never widens other types', () => {
    expect(widenedFieldType(profileOf(['2.5']), 'boolean')).toBe('boolean');
    expect(widenedFieldType(profileOf(['2.5']), 'text')).toBe('text');
    expect(widenedFieldType(profileOf(['2.5']), 'date')).toBe('date');
  });
});

describe('invalidCoordinates', () => {
  it('counts every value that is not a plain number', () => {
    expect(typeAsCoordinate(profileOf(['10', '-45.5', 'north', '<5', '', 'NA', true]))).toEqual({ type: 'number', decimalMark: '.', invalid: 3 });
  });

  it('reads a column of decimal commas', () => {
    expect(typeAsCoordinate(profileOf(['54,1', '7']))).toEqual({ type: 'number', decimalMark: ',', invalid: 0 });
  });
});

describe('hostile cells', () => {
  // Each of these took minutes with the earlier patterns, which backtracked quadratically.
  it('classifies a huge digit run with a stray letter as no number', async () => {
    const { numberShape, parseDecimal } = await import('../../workers/ingest/numbers.js');
    const text = `${'9'.repeat(300_000)}x`;
    expect(numberShape(text)).toBeNull();
    expect(parseDecimal(text, '.')).toBeNull();
    expect(parseDecimal('12.5', '.')).toBe(12.5);
  });

  it('reads a header with a huge run of spaces', async () => {
    const { parseHeader } = await import('../../workers/ingest/header-fields.js');
    const parsed = parseHeader(`depth${' '.repeat(300_000)}(x`, 1);
    expect(parsed.unit).toBeNull();
    expect(parseHeader('Depth (m)', 1)).toMatchObject({ label: 'Depth', unit: 'm' });
  });
});
