import { describe, expect, it } from 'vitest';
import { copyNumber, copyText, pointEwkbHex, sampleLine } from '../../workers/ingest/copy-text.js';
import { sampleIdGenerator } from '../../workers/ingest/sample-ids.js';

describe('copyText', () => {
  it('escapes backslash, tab, newline and carriage return', () => {
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
  });

  it('writes null as \\N and leaves plain text alone', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText('plain ünïcode')).toBe('plain ünïcode');
  });

  it('writes numbers in their shortest exact form', () => {
    expect(copyNumber(0)).toBe('0');
    expect(copyNumber(-0.1)).toBe('-0.1');
    expect(copyNumber(null)).toBe('\\N');
  });
});

describe('sampleLine', () => {
  it('writes one tab-separated line with JSON escapes doubled and the point as hex EWKB', () => {
    const line = sampleLine('00000000-0000-7000-8000-000000000001', 'd', 'i', {
      name: 'S\t1',
      longitude: 4.5,
      latitude: 0,
      locationText: '0, 4.5',
      elevation: null,
      collectedAt: '2024-01-01T00:00:00.000Z',
      collectedAtPrecision: 'millisecond',
      valuesJson: JSON.stringify({ note: 'a "quote"\nand a line' }),
      qualified: null,
      locatedByShape: false,
    });
    expect(line).toBe(
      `00000000-0000-7000-8000-000000000001\td\tS\\t1\t${pointEwkbHex(4.5, 0)}\t0, 4.5\t\\N\t2024-01-01T00:00:00.000Z\tmillisecond\t` +
        '{"note":"a \\\\"quote\\\\"\\\\nand a line"}\ti\n',
    );
  });

  it('encodes a WGS 84 point as little-endian EWKB with SRID 4326', () => {
    expect(pointEwkbHex(1, 2)).toBe('0101000020e6100000000000000000f03f0000000000000040');
  });
});

describe('sampleIdGenerator', () => {
  it('makes ascending version-7 UUIDs', () => {
    const next = sampleIdGenerator(Date.UTC(2025, 0, 1), Buffer.from('a1b2c3d4e5f6', 'hex'));
    const ids = [next(), next(), next()];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.slice(0, 13).replace('-', '')).toBe(Date.UTC(2025, 0, 1).toString(16).padStart(12, '0'));
    expect(ids[2]!.endsWith('00000002')).toBe(true);
  });
});
