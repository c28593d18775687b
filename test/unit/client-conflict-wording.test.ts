import { describe, expect, it } from 'vitest';
import { conflictIntro, conflictTarget, conflictWording } from '../../client/src/dataset/editing/conflict-wording.js';

const labels: Record<string, string> = { 'f:note': 'Note', 'p:name': 'Name' };
const cellLabel = (cell: string) => labels[cell] ?? cell;
const rowName = (sampleId: string) => (sampleId === 'held' ? 'R2' : null);

describe('conflict wording', () => {
  it('dates an edit conflict from the start of the edit', () => {
    expect(conflictWording('edit', 'changed')).toEqual({ verb: 'changed', since: 'after you started' });
    expect(conflictIntro('edit')).toBe('Your edit was not applied to these cells, because:');
  });

  it('dates an undo conflict from the undone change', () => {
    expect(conflictWording('undo', 'changed')).toEqual({ verb: 'changed', since: 'after your change' });
    expect(conflictWording('undo', 'deleted')).toEqual({ verb: 'deleted', since: 'after your change' });
    expect(conflictWording('undo', 'exists')).toEqual({ verb: 'created', since: 'after your change' });
    expect(conflictIntro('undo')).toBe('Your undo would put back what was there before your change, overwriting these later changes:');
  });

  it('dates a redo conflict from the undo', () => {
    expect(conflictWording('redo', 'changed')).toEqual({ verb: 'changed', since: 'after your undo' });
    expect(conflictIntro('redo')).toBe('Your redo would make your change again, overwriting these later changes:');
  });
});

describe('conflict target', () => {
  it('names a cell and its row', () => {
    const target = conflictTarget({ reason: 'changed', cell: 'f:note', sampleId: 'held', current: 'x' }, cellLabel, rowName);
    expect(target).toEqual({ type: 'cell', label: 'Note', row: 'R2' });
  });

  it('names a cell of a row the grid does not hold', () => {
    const target = conflictTarget({ reason: 'changed', cell: 'p:name', sampleId: 'elsewhere', current: 'x' }, cellLabel, rowName);
    expect(target).toEqual({ type: 'cell', label: 'Name', row: null });
  });

  it('names a whole row', () => {
    expect(conflictTarget({ reason: 'changed', cell: 'row', sampleId: 'held', current: null }, cellLabel, rowName)).toEqual({ type: 'row', row: 'R2' });
    expect(conflictTarget({ reason: 'deleted', cell: 'row', sampleId: 'gone', current: null }, cellLabel, rowName)).toEqual({ type: 'row', row: null });
  });

  it('names the field of a deleted value cell', () => {
    const target = conflictTarget({ reason: 'deleted', cell: 'f:note', sampleId: 'held', current: null }, cellLabel, rowName);
    expect(target).toEqual({ type: 'field', label: 'Note' });
  });

  it('names a field conflict by its current label', () => {
    const changed = conflictTarget({ reason: 'changed', cell: null, sampleId: null, current: { id: 'f1', key: 'depth_m', label: 'Depth' } }, cellLabel, rowName);
    expect(changed).toEqual({ type: 'field', label: 'Depth' });
    const removed = conflictTarget({ reason: 'deleted', cell: null, sampleId: null, current: null }, cellLabel, rowName);
    expect(removed).toEqual({ type: 'field', label: null });
  });
});
