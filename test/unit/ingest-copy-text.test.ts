import { describe, expect, it } from 'vitest';
import { copyNumber, copyText } from '../../workers/ingest/copy-text.js';
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
