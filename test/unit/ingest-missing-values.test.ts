import { describe, expect, it } from 'vitest';
import { DEFAULT_MISSING_VALUES, MissingValues } from '../../workers/ingest/missing-values.js';

const isMissingText = (text: string) => DEFAULT_MISSING_VALUES.isMissingText(text);
const isMissingValue = (value: unknown) => DEFAULT_MISSING_VALUES.isMissingValue(value);

describe('missing-value codes', () => {
  it.each(['', 'NA', 'na', 'N/A', 'n/a', '#N/A', 'null', 'NULL', 'NaN', 'nan', '-', '--', 'ND', 'n.d.', '-9999', '-9999.0', '-9999.00'])('treats %j as missing', (text) => {
    expect(isMissingText(text)).toBe(true);
  });

  it.each(['0', '0.0', '-5', '-0', 'None', 'nil', 'N', 'false', 'NAN1', '-999', '-99990', '9999'])('keeps %j as a value', (text) => {
    expect(isMissingText(text)).toBe(false);
  });

  it('treats null, undefined, NaN and padded codes as missing values', () => {
    expect(isMissingValue(null)).toBe(true);
    expect(isMissingValue(undefined)).toBe(true);
    expect(isMissingValue(Number.NaN)).toBe(true);
    expect(isMissingValue('  NA ')).toBe(true);
  });

  it('keeps zero and false as values', () => {
    expect(isMissingValue(0)).toBe(false);
    expect(isMissingValue(false)).toBe(false);
    expect(isMissingValue({})).toBe(false);
  });

  it('takes the codes an uploader configures instead of the defaults', () => {
    const custom = new MissingValues(['missing', '-999']);
    expect(custom.isMissingText('MISSING')).toBe(true);
    expect(custom.isMissingText('-999.0')).toBe(true);
    expect(custom.isMissingNumber(-999)).toBe(true);
    expect(custom.isMissingText('NA')).toBe(false);
    expect(custom.isMissingText('')).toBe(true);
  });
});
