import { describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../common/api/imports.js';
import type { ImportProgress } from '../../common/events.js';
import { applyProgress, isFurtherAlong, pickFresher } from '../../client/src/dataset/import-merge.js';
import {
  formatDuration,
  errorSummary,
  formatEta,
  formatRate,
  importProgressValues,
  importToShow,
  summariseCounts,
} from '../../client/src/format/import-progress.js';

describe('formatRate', () => {
  it.each([
    [null, ''],
    [Number.NaN, ''],
    [0.4, 'less than 1 row/s'],
    [12.6, '13 rows/s'],
    [45_210.2, '45,210 rows/s'],
  ])('formats %j as %j', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});

describe('formatDuration and formatEta', () => {
  it.each([
    [0.2, 'less than a second'],
    [1, '1 s'],
    [59.4, '59 s'],
    [60, '1 min'],
    [125, '2 min 5 s'],
    [599, '9 min 59 s'],
    [600, '10 min'],
    [3599, '1 h'],
    [4_980, '1 h 23 min'],
    [7_200, '2 h'],
  ])('formats %j seconds as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('phrases the time left', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(-1)).toBe('');
    expect(formatEta(0.5)).toBe('less than a second left');
    expect(formatEta(125)).toBe('about 2 min 5 s left');
  });
});

describe('importProgressValues', () => {
  it('shows a running import with a known total', () => {
    expect(importProgressValues({ state: 'running', rowsDone: 120, rowsTotal: 200 })).toEqual({
      min: 0,
      max: 200,
      now: 120,
      text: '120 of 200 rows (60%)',
    });
  });

  it('is indeterminate while the total is unknown', () => {
    const values = importProgressValues({ state: 'running', rowsDone: 3_500, rowsTotal: null });
    expect(values.now).toBeNull();
    expect(values.text).toBe('3,500 rows so far');
    expect(importProgressValues({ state: 'queued', rowsDone: 0, rowsTotal: null }).text).toBe('Queued');
  });

  it('fills the bar when completed, even without a total', () => {
    expect(importProgressValues({ state: 'completed', rowsDone: 200, rowsTotal: 200 })).toMatchObject({ max: 200, now: 200, text: 'Completed' });
    expect(importProgressValues({ state: 'completed', rowsDone: 57, rowsTotal: null })).toMatchObject({ max: 57, now: 57 });
    expect(importProgressValues({ state: 'completed', rowsDone: 0, rowsTotal: 0 })).toMatchObject({ max: 1, now: 1 });
  });

  it('keeps the rows done of a failed import', () => {
    expect(importProgressValues({ state: 'failed', rowsDone: 40, rowsTotal: 200 })).toEqual({
      min: 0,
      max: 200,
      now: 40,
      text: 'Failed after 40 rows',
    });
    expect(importProgressValues({ state: 'failed', rowsDone: 0, rowsTotal: null }).text).toBe('Failed');
  });

  it('names rows analysed but never loaded', () => {
    // Cancelled in review: the rows were analysed, and none was loaded.
    const cancelled = importProgressValues({ state: 'cancelled', rowsDone: 1_000_000, rowsTotal: 1_000_000, invalidRows: null });
    expect(cancelled.text).toBe('Cancelled after analysing 1,000,000 rows');
    const failed = importProgressValues({ state: 'failed', rowsDone: 300, rowsTotal: null, invalidRows: null });
    expect(failed.text).toBe('Failed after analysing 300 rows');
    const failedLoading = importProgressValues({ state: 'failed', rowsDone: 40, rowsTotal: 200, invalidRows: 'skip' });
    expect(failedLoading.text).toBe('Failed after 40 rows');
  });

  it('is indeterminate while the indexes are updated', () => {
    expect(importProgressValues({ state: 'running', phase: 'indexing', rowsDone: 400_000, rowsTotal: 400_000 })).toEqual({
      min: 0,
      max: 100,
      now: null,
      text: '400,000 rows sent; updating indexes',
    });
    expect(importProgressValues({ state: 'running', phase: 'loading', rowsDone: 0, rowsTotal: 400_000 }).now).toBe(0);
  });

  it('capitalises the state like the badge', () => {
    expect(importProgressValues({ state: 'awaiting_review', rowsDone: 0, rowsTotal: null }).text).toBe('Analysed');
    expect(importProgressValues({ state: 'awaiting_review', rowsDone: 0, rowsTotal: 0 }).text).toBe('Analysed');
    expect(importProgressValues({ state: 'running', phase: 'indexing', rowsDone: 5, rowsTotal: null }).text).toBe('Updating indexes');
    expect(importProgressValues({ state: 'cancelled', rowsDone: 0, rowsTotal: null }).text).toBe('Cancelled');
  });

  it('never passes the total', () => {
    expect(importProgressValues({ state: 'running', rowsDone: 210, rowsTotal: 200 }).now).toBe(200);
  });
});

describe('errorSummary', () => {
  it('keeps a short single line', () => {
    expect(errorSummary('Column "lat" is not a number.')).toBe('Column "lat" is not a number.');
  });

  it('returns an empty string without an error', () => {
    expect(errorSummary(null)).toBe('');
    expect(errorSummary(undefined)).toBe('');
    expect(errorSummary(' \n  \n')).toBe('');
  });

  it('takes the first non-blank line', () => {
    expect(errorSummary('\n  The file is not valid UTF-8.  \r\nat byte 1024\nstack trace')).toBe('The file is not valid UTF-8.');
  });

  it('cuts a long line with an ellipsis', () => {
    const summary = errorSummary(`${'x'.repeat(300)}\nsecond line`);
    expect(summary).toHaveLength(160);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary.slice(0, -1)).toBe('x'.repeat(159));
  });

  it('keeps a line of exactly the maximum length', () => {
    expect(errorSummary('y'.repeat(160))).toBe('y'.repeat(160));
  });
});

describe('summariseCounts', () => {
  it('lists samples, locations, fields and rejected rows', () => {
    expect(summariseCounts({ rows: 200, samples: 199, located: 198, unlocated: 1, fieldsCreated: 2, rejectedRows: 1 })).toBe(
      'Read 200 rows: added 199 samples (198 located, 1 without a location), created 2 fields and rejected 1 row.',
    );
  });

  it('handles partial and empty counts', () => {
    expect(summariseCounts({ rows: 1 })).toBe('Read 1 row.');
    expect(summariseCounts({ samples: 5 })).toBe('Added 5 samples.');
    expect(summariseCounts({})).toBe('');
  });
});

const record: ImportRecord = {
  id: '7d0c7c1e-49a5-4df4-9c71-111111111111',
  datasetId: '7d0c7c1e-49a5-4df4-9c71-222222222222',
  userId: null,
  originalName: 'lakes.csv',
  sizeBytes: 1000,
  bytesReceived: 1000,
  checksumSha256: 'ab',
  format: 'csv',
  state: 'running',
  phase: 'loading',
  stalled: false,
  heartbeatAt: null,
  reportAvailable: false,
  mapping: null,
  invalidRows: 'reject',
  rowsDone: 100,
  rowsTotal: 200,
  counts: {},
  issueCount: 0,
  issues: [],
  error: null,
  changeSeq: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: null,
};

function progress(overrides: Partial<ImportProgress>): ImportProgress {
  return {
    importId: record.id,
    datasetId: record.datasetId,
    state: 'running',
    phase: 'loading',
    rowsDone: 100,
    rowsTotal: 200,
    ratePerSecond: 50,
    etaSeconds: 2,
    counts: {},
    issueCount: 0,
    error: null,
    ...overrides,
  };
}

describe('import merging', () => {
  it('applies newer progress', () => {
    const merged = applyProgress(record, progress({ rowsDone: 150, issueCount: 2 }));
    expect(merged.rowsDone).toBe(150);
    expect(merged.issueCount).toBe(2);
    expect(merged.originalName).toBe('lakes.csv');
  });

  it('ignores progress older than the record', () => {
    expect(applyProgress(record, progress({ rowsDone: 50 }))).toBe(record);
    expect(applyProgress(record, progress({ phase: 'analysing', rowsDone: 0 }))).toBe(record);
  });

  it('lets a finished state win over any running one', () => {
    const finished = { ...record, state: 'completed' as const, phase: 'done' as const, rowsDone: 200 };
    expect(isFurtherAlong(finished, { ...record, phase: 'indexing', rowsDone: 200 })).toBe(true);
    expect(applyProgress(finished, progress({ phase: 'indexing', rowsDone: 200 }))).toBe(finished);
  });

  it('prefers the incoming record unless the current one is ahead', () => {
    const fetched = { ...record, rowsDone: 80 };
    expect(pickFresher(record, fetched)).toBe(record);
    const fetchedLater = { ...record, rowsDone: 100, issues: [{ line: 3, column: 'lat', value: 'x', reason: 'not a number' }] };
    expect(pickFresher(record, fetchedLater)).toBe(fetchedLater);
    expect(pickFresher(undefined, fetched)).toBe(fetched);
  });
});

describe('upload and review progress', () => {
  it('counts bytes while the file arrives', () => {
    expect(importProgressValues({ state: 'uploading', phase: 'uploading', rowsDone: 0, rowsTotal: null, bytesReceived: 512, sizeBytes: 2048 })).toEqual({
      min: 0,
      max: 2048,
      now: 512,
      text: '512 bytes of 2 KiB received (25%)',
    });
  });

  it('accepts a new analysis after the review', () => {
    const reviewed = { ...record, state: 'awaiting_review' as const, phase: 'review' as const, rowsDone: 200 };
    expect(isFurtherAlong(reviewed, { ...record, state: 'queued', phase: 'analysing', rowsDone: 0 })).toBe(false);
    expect(isFurtherAlong(reviewed, { ...record, state: 'running', phase: 'analysing', rowsDone: 10 })).toBe(false);
    expect(isFurtherAlong({ ...record, phase: 'loading', rowsDone: 10 }, { ...record, state: 'running', phase: 'analysing', rowsDone: 10 })).toBe(true);
  });
});

describe('importToShow', () => {
  const record = (id: string, state: ImportRecord['state'], userId: string | null) => ({ id, state, userId });

  it('opens an import that waits behind a newer finished one', () => {
    const imports = [record('cancelled', 'cancelled', 'me'), record('waiting', 'awaiting_review', 'me'), record('done', 'completed', 'me')];
    expect(importToShow(imports, 'me')?.id).toBe('waiting');
  });

  it('prefers the viewer own open import', () => {
    const imports = [record('theirs', 'running', 'them'), record('mine', 'awaiting_review', 'me')];
    expect(importToShow(imports, 'me')?.id).toBe('mine');
    expect(importToShow(imports, null)?.id).toBe('theirs');
    expect(importToShow(imports, 'someone')?.id).toBe('theirs');
  });

  it('opens none when every import finished', () => {
    expect(importToShow([record('done', 'completed', 'me'), record('failed', 'failed', 'me')], 'me')).toBeNull();
  });
});
