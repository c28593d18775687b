import { describe, expect, it } from 'vitest';
import { isMissingText, isMissingValue } from '../../workers/ingest/missing-values.js';

describe('missing-value codes', () => {
  it.each(['', 'NA', 'na', 'N/A', 'n/a', '#N/A', 'null', 'NULL', 'NaN', 'nan', '-'])('treats %j as missing', (text) => {
    expect(isMissingText(text)).toBe(true);
  });

  it.each(['0', '0.0', '-5', '-0', 'None', 'nil', 'N', 'false', 'NAN1', '--'])('keeps %j as a value', (text) => {
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
});
