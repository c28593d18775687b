import { describe, expect, it } from 'vitest';
import type { EditState } from '../../server/domain/editing/edit-state.js';
import { EditStateCache } from '../../server/domain/editing/edit-state-cache.js';
import type { FieldState, RowState } from '../../server/domain/editing/row-state.js';
import { fieldsBytes, rowBytes } from '../../server/domain/editing/state-size.js';

function row(id: string): RowState {
  return {
    id,
    datasetId: 'd1',
    ord: 1,
    name: id,
    igsn: null,
    parentId: null,
    material: null,
    location: null,
    locationText: null,
    elevation: null,
    collectedAt: null,
    collectedAtPrecision: null,
    values: {},
    version: 1,
    importId: null,
    createdAt: '2026-12-05T00:00:00.000Z',
    updatedAt: '2026-12-05T00:00:00.000Z',
    seq: 0,
    cellSeqs: {},
    status: 'stored',
    dirty: false,
  };
}

function state(seq: number, rowIds: string[], ownSeqs: number[] = []): EditState {
  return {
    seq,
    dataset: { id: 'd1', projectId: 'p1', visibility: 'private', state: 'draft', embargoUntil: null },
    actor: { type: 'user', id: 'u1', email: 'eda@example.org', displayName: 'Eda', role: 'member' },
    projectRole: 'editor',
    earlier: null,
    rows: new Map(rowIds.map((id) => [id, row(id)])),
    fields: new Map(),
    stacks: { undo: [], redo: [] },
    ownSeqs: new Set(ownSeqs),
  };
}

describe('EditStateCache', () => {
  it('hands a state out once, with the own seqs after the base', () => {
    const cache = new EditStateCache();
    cache.remember('k', state(12, ['a'], [8, 11, 12]), 11, 7);
    const handedOut = cache.take('k', 10, ['a']);
    expect(handedOut?.seq).toBe(12);
    expect([...handedOut!.ownSeqs]).toEqual([11, 12]);
    expect(cache.take('k', 10, ['a'])).toBeNull();
  });

  it('rejects a base outside its seqs', () => {
    const cache = new EditStateCache();
    cache.remember('k', state(12, ['a']), 11, 7);
    expect(cache.take('k', 6, ['a'])).toBeNull();
    cache.remember('k', state(12, ['a']), 11, 7);
    expect(cache.take('k', 13, ['a'])).toBeNull();
  });

  it('merges the rows of a read at its seq', () => {
    const cache = new EditStateCache();
    cache.remember('k', state(5, ['a']), 4, 4);
    expect(cache.take('k', 5, ['a', 'b'])).toBeNull();
    expect(cache.size.entries).toBe(1);

    // A fresh read at seq 5 found row b; its edit made seq 6.
    cache.remember('k', state(6, ['b']), 5, 5);
    expect([...cache.take('k', 6, ['a', 'b'])!.rows.keys()].sort()).toEqual(['a', 'b']);
  });

  it('drops the rows of a state that a read found outdated', () => {
    const cache = new EditStateCache();
    cache.remember('k', state(5, ['a']), 4, 4);
    // Someone else made seq 6; the read saw 6 and the edit made 7.
    cache.remember('k', state(7, ['b']), 6, 6);
    expect(cache.take('k', 7, ['a'])).toBeNull();
  });

  it('keeps the newer state when an older edit finishes last', () => {
    const cache = new EditStateCache();
    cache.remember('k', state(9, ['a']), 8, 8);
    cache.remember('k', state(8, ['a']), 7, 7);
    expect(cache.take('k', 8, ['a'])?.seq).toBe(9);
  });

  it('drops the least recently used states past the byte limit', () => {
    const rowSize = rowBytes(row('a'));
    const fieldSize = fieldsBytes(new Map());
    const cache = new EditStateCache(Date.now, { rowsPerEntry: 10, entryBytes: fieldSize + 3 * rowSize, bytes: 3 * fieldSize + 4 * rowSize });
    cache.remember('old', state(1, ['a', 'b']), 0, 0);
    cache.remember('mid', state(1, ['c']), 0, 0);
    cache.remember('new', state(1, ['d', 'e']), 0, 0);
    expect(cache.size).toEqual({ entries: 2, bytes: 2 * fieldSize + 3 * rowSize });
    expect(cache.take('old', 1, ['a'])).toBeNull();
    expect(cache.take('new', 1, ['d'])?.seq).toBe(1);

    cache.remember('wide', state(1, ['p', 'q', 'r', 's']), 0, 0);
    expect(cache.take('wide', 1, ['p'])).toBeNull();
  });

  it('skips a state whose fields are too large', () => {
    const cache = new EditStateCache(Date.now, { rowsPerEntry: 10, entryBytes: 1_000_000, bytes: 10_000_000 });
    const large = state(1, ['a']);
    const field = { id: 'f1', datasetId: 'd1', key: 'notes', label: 'Notes', type: 'text', unit: null, description: 'x'.repeat(600_000), termIri: null, vocabularyIri: null, required: false, position: 0, createdAt: '', updatedAt: '', seq: 1 };
    large.fields.set('f1', field as FieldState);
    cache.remember('k', large, 0, 0);
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it('skips a contended client for ten seconds', () => {
    let now = 1_000_000;
    const cache = new EditStateCache(() => now);
    cache.forget('k', true);
    cache.remember('k', state(3, ['a']), 2, 2);
    expect(cache.take('k', 3, ['a'])).toBeNull();
    now += 10_001;
    cache.remember('k', state(3, ['a']), 2, 2);
    expect(cache.take('k', 3, ['a'])?.seq).toBe(3);
  });
});
