import { describe, expect, it } from 'vitest';
import { pasteTooLargeMessage, rowsWithinEditLimits } from '../../client/src/dataset/paste-edit.js';
import { EDIT_LIMITS } from '../../common/editing/limits.js';
import type { EditOp } from '../../common/editing/requests.js';

const SAMPLE_ID = '00000000-0000-4000-8000-000000000001';

function depthRows(count: number, opsPerRow = 1, value: unknown = 1): EditOp[][] {
  const row = Array.from({ length: opsPerRow }, (): EditOp => ({ type: 'cell.set', sampleId: SAMPLE_ID, key: 'depth_m', value }) as EditOp);
  return Array.from({ length: count }, () => row);
}

describe('rowsWithinEditLimits', () => {
  it('keeps every row under the limits', () => {
    expect(rowsWithinEditLimits(depthRows(EDIT_LIMITS.maxOps))).toBe(EDIT_LIMITS.maxOps);
  });

  it('stops at the maximum operations', () => {
    expect(rowsWithinEditLimits(depthRows(EDIT_LIMITS.maxOps + 1))).toBe(EDIT_LIMITS.maxOps);
    expect(rowsWithinEditLimits(depthRows(1500, 3))).toBe(Math.floor(EDIT_LIMITS.maxOps / 3));
  });

  it('stops at the maximum bytes', () => {
    const rows = depthRows(100, 1, 'x'.repeat(10_000));
    const fitting = rowsWithinEditLimits(rows);
    expect(fitting).toBeGreaterThan(0);
    expect(fitting).toBeLessThan(EDIT_LIMITS.maxBytes / 10_000);
    expect(JSON.stringify(rows.slice(0, fitting + 1).flat()).length).toBeGreaterThan(EDIT_LIMITS.maxBytes - 1024);
  });
});

describe('pasteTooLargeMessage', () => {
  it('names the lines that fit', () => {
    const message = pasteTooLargeMessage(depthRows(2500), 2000);
    expect(message).toContain('this paste of 2,500 lines needs 2,500 operations');
    expect(message).toContain('Paste at most 2,000 lines at a time.');
  });
});
