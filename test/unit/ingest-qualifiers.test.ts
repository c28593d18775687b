import { describe, expect, it } from 'vitest';
import type { FieldType } from '../../common/api/fields.js';
import { converterFor as converterWith, type CellContext } from '../../workers/ingest/cell-converters.js';
import { DEFAULT_MISSING_VALUES } from '../../workers/ingest/missing-values.js';

/** A converter for a file whose numbers use the given decimal mark and no digit groups. */
function converterFor(type: FieldType, decimal: '.' | ',') {
  return converterWith(type, {
    style: { decimal, group: '' },
    missing: DEFAULT_MISSING_VALUES,
    dateOrder: 'dmy',
    excelSerialDates: false,
    dateSystem: '1900',
    transform: null,
    transformForSrid: () => null,
  });
}
import { parseQualified } from '../../workers/ingest/qualifiers.js';

function recordingContext() {
  const invalid: { value: unknown; reason: string }[] = [];
  const qualified: { qualifier: string; value: number | null; text: string }[] = [];
  const context: CellContext = {
    invalid: (value, reason) => invalid.push({ value, reason }),
    qualified: (qualifier, value, text) => qualified.push({ qualifier, value, text }),
  };
  return { context, invalid, qualified };
}

describe('parseQualified', () => {
  it.each([
    ['<0.01', { qualifier: '<', value: 0.01 }],
    ['< 0.5', { qualifier: '<', value: 0.5 }],
    ['>10000', { qualifier: '>', value: 10000 }],
    ['BDL', { qualifier: 'bdl', value: null }],
    ['bdl', { qualifier: 'bdl', value: null }],
    ['b.d.l.', { qualifier: 'bdl', value: null }],
    ['<LOD', { qualifier: 'bdl', value: null }],
  ])('reads %j', (text, expected) => {
    expect(parseQualified(text)).toEqual(expected);
  });

  it('reads a decimal comma when the column uses one', () => {
    expect(parseQualified('<0,05', ',')).toEqual({ qualifier: '<', value: 0.05 });
    expect(parseQualified('<0,05', '.')).toBeNull();
  });

  it.each(['', '0.01', '<', '<abc', '=5', 'below', 'BDLX', '<<1'])('rejects %j', (text) => {
    expect(parseQualified(text)).toBeNull();
  });
});

describe('number cells with qualifiers', () => {
  it('keeps "<0.01" as written and reports a measurement with limit 0.01', () => {
    const { context, invalid, qualified } = recordingContext();
    const json = converterFor('number', '.')('<0.01', context);
    expect(json).toBe('"<0.01"');
    expect(qualified).toEqual([{ qualifier: '<', value: 0.01, text: '<0.01' }]);
    expect(invalid).toEqual([]);
  });

  it('reports BDL as a qualified value without a number', () => {
    const { context, qualified } = recordingContext();
    expect(converterFor('integer', '.')(' BDL ', context)).toBe('"BDL"');
    expect(qualified).toEqual([{ qualifier: 'bdl', value: null, text: 'BDL' }]);
  });

  it('writes plain numbers as JSON numbers and keeps zero', () => {
    const { context, qualified, invalid } = recordingContext();
    const convert = converterFor('number', '.');
    expect(convert('0', context)).toBe('0');
    expect(convert('8.60', context)).toBe('8.60');
    expect(convert('+3', context)).toBe('3');
    expect(convert('1e3', context)).toBe('1000');
    expect(convert('.5', context)).toBe('0.5');
    expect(convert(2.25, context)).toBe('2.25');
    expect(qualified).toEqual([]);
    expect(invalid).toEqual([]);
  });

  it('converts decimal commas when the column uses them', () => {
    const { context } = recordingContext();
    expect(converterFor('number', ',')('3,25', context)).toBe('3.25');
  });

  it('reports text that is neither a number nor qualified', () => {
    const { context, invalid } = recordingContext();
    expect(converterFor('number', '.')('abc', context)).toBeUndefined();
    expect(invalid).toEqual([{ value: 'abc', reason: '"abc" is not a number' }]);
  });

  it('treats missing-value codes as absent, not invalid', () => {
    const { context, invalid } = recordingContext();
    expect(converterFor('number', '.')('NA', context)).toBeUndefined();
    expect(converterFor('number', '.')(null, context)).toBeUndefined();
    expect(invalid).toEqual([]);
  });
});
