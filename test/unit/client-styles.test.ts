import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/processes.js';

const SOURCE = path.join(REPO_ROOT, 'client', 'src');

describe('client style sheets', () => {
  // A rule left open swallows every rule after it, and browsers report nothing.
  it.each(readdirSync(SOURCE).filter((name) => name.endsWith('.css')))('%s closes every block', (name) => {
    const css = readFileSync(path.join(SOURCE, name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    let depth = 0;
    for (const char of css) {
      if (char === '{') depth += 1;
      if (char === '}') depth -= 1;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });
});
