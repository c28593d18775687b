import { describe, expect, it } from 'vitest';
import { choiceList } from '../../server/http/routes/imports.js';

describe('choiceList', () => {
  it('names every table of a small archive', () => {
    expect(choiceList(['a.csv', 'b/c.csv'])).toBe('one of "a.csv", "b/c.csv"');
  });

  it('names ten tables of a large archive and counts the rest', () => {
    const paths = Array.from({ length: 5000 }, (_, index) => `table-${index}.csv`);
    const list = choiceList(paths);
    expect(list.startsWith('one of "table-0.csv", "table-1.csv"')).toBe(true);
    expect(list).toContain('"table-9.csv", or one of the 4990 more tables listed in the mapping\'s "entries"');
    expect(list).not.toContain('table-10.csv');
    expect(list.length).toBeLessThan(300);
  });
});
