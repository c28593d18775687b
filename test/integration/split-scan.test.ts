import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingValues } from '../../workers/ingest/missing-values.js';
import { splitPlan } from '../../workers/ingest/split-scan.js';
import { scanTable, type TableScanResult } from '../../workers/ingest/table-scan.js';
import type { TableLocation } from '../../workers/ingest/table-source.js';
import { NotUtf8Error } from '../../workers/ingest/text-decoding.js';

// Splits every file, however small; the analysis splits from 16 MiB on.
const ALWAYS = 1;
const NEVER = Number.POSITIVE_INFINITY;

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'fairport-split-scan-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function csvFile(name: string, content: string | Buffer): Promise<TableLocation> {
  const file = path.join(folder, name);
  await writeFile(file, content);
  return { file, format: 'csv', entry: null, encoding: 'utf-8', delimiter: ',', sheet: null, strict: true };
}

async function scan(location: TableLocation, splitFrom: number): Promise<{ result: TableScanResult; fractions: number[] }> {
  const fractions: number[] = [];
  const result = await scanTable(location, new MissingValues(), null, (_rows, fraction) => fractions.push(fraction), null, splitFrom);
  return { result, fractions };
}

/** Returns a depth: a number, or now and then the missing-value code NA or -9999. */
function depthCell(index: number): string {
  if (index % 17 === 0) return 'NA';
  if (index % 19 === 0) return '-9999';
  return (index * 0.25).toFixed(2);
}

/** Returns a lead value: a number, or now and then a detection limit written as <0.01 or BDL. */
function leadCell(index: number): string {
  if (index % 11 === 0) return '<0.01';
  if (index % 13 === 0) return 'BDL';
  return String(index % 100);
}

/** Builds a table whose every kind of value, missing code, broken row and blank line turns up in both halves. */
function mixedTable(rows: number): string {
  const lines = ['site,depth,sampled,lat,lon,lead,flag,note'];
  for (let index = 0; index < rows; index += 1) {
    const day = (index % 28) + 1;
    const cells = [
      `S${index}`,
      depthCell(index),
      index % 3 === 0 ? `2023-06-${String(day).padStart(2, '0')}` : `${day}/06/2023`,
      index % 5 === 0 ? `${40 + (index % 9)}°${index % 60}'N` : String(40 + (index % 9) + 0.5),
      index % 7 === 0 ? '361' : String(-(index % 180)),
      leadCell(index),
      index % 2 === 0 ? 'yes' : 'no',
      index % 23 === 0 ? '"a note, with a comma"' : `note ${index}`,
    ];
    lines.push(cells.join(','));
    if (index % 97 === 0) lines.push('');
    if (index % 131 === 0) lines.push('R,1,2');
  }
  return `${lines.join('\n')}\n`;
}

function snapshots(result: TableScanResult) {
  return result.profiles.map((profile) => profile.snapshot());
}

describe('two-part table scan', () => {
  it('profiles as one pass does', async () => {
    const location = await csvFile('mixed.csv', mixedTable(20_000));
    expect(await splitPlan(location, null, ALWAYS)).not.toBeNull();

    const whole = await scan(location, NEVER);
    const split = await scan(location, ALWAYS);
    expect(whole.result.parts).toBe(1);
    expect(split.result.parts).toBe(2);
    expect(split.result.rows).toBe(whole.result.rows);
    expect(split.result.brokenRows).toBe(whole.result.brokenRows);
    expect(split.result.brokenRows).toBe(153);
    expect(split.result.headers).toEqual(whole.result.headers);
    expect(snapshots(split.result)).toEqual(snapshots(whole.result));
    expect(split.fractions.at(-1)).toBeCloseTo(1, 5);
  });

  it('keeps the first examples', async () => {
    // MAX_EXAMPLES is 3.
    const location = await csvFile('examples.csv', `name,value\n${Array.from({ length: 50_000 }, (_, index) => `N${index},${index}`).join('\n')}\n`);
    const split = await scan(location, ALWAYS);
    expect(split.result.parts).toBe(2);
    expect(split.result.profiles[0]!.examples).toEqual(['N0', 'N1', 'N2']);
    expect(split.result.rows).toBe(50_000);
  });

  it('reads a line break in quotes across the split in one pass', async () => {
    // One long quoted cell with line breaks around the middle of the file.
    const before = Array.from({ length: 2_000 }, (_, index) => `A${index},${index}`).join('\n');
    const after = Array.from({ length: 2_000 }, (_, index) => `B${index},${index}`).join('\n');
    const location = await csvFile('quoted.csv', `name,value\n${before}\nQ,"${'line\n'.repeat(4_000)}end"\n${after}\n`);
    const plan = await splitPlan(location, null, ALWAYS);
    const content = await import('node:fs/promises').then((fs) => fs.readFile(location.file, 'utf8'));
    const quoteStart = content.indexOf('"');
    expect(plan!.first.end).toBeGreaterThan(quoteStart);
    expect(plan!.first.end).toBeLessThan(content.lastIndexOf('"'));

    const whole = await scan(location, NEVER);
    const split = await scan(location, ALWAYS);
    expect(split.result.parts).toBe(1);
    expect(split.result.rows).toBe(4_001);
    expect(split.result.brokenRows).toBe(0);
    expect(snapshots(split.result)).toEqual(snapshots(whole.result));
  });

  it('raises NotUtf8Error for a late invalid byte', async () => {
    const rows = Array.from({ length: 5_000 }, (_, index) => `N${index},${index}`).join('\n');
    const location = await csvFile('late-latin1.csv', Buffer.concat([Buffer.from(`name,value\n${rows}\n`), Buffer.from('Z\xfcrich,1\n', 'latin1')]));
    await expect(scan(location, ALWAYS)).rejects.toBeInstanceOf(NotUtf8Error);
  });

  describe('same analysis as one pass', () => {
    const lines = (count: number, line: (index: number) => string) => Array.from({ length: count }, (_, index) => line(index)).join(LF);
    const LF = '\n';

    async function both(name: string, content: string, headerRow: number | null = null) {
      const location = await csvFile(name, content);
      const read = (splitFrom: number) => scanTable(location, new MissingValues(), headerRow, () => {}, null, splitFrom);
      return { whole: await read(NEVER), split: await read(ALWAYS) };
    }

    function summary(result: TableScanResult) {
      return { headerRow: result.headerRow, headers: result.headers, rows: result.rows, brokenRows: result.brokenRows, profiles: snapshots(result) };
    }

    it('bare CR in LF cells', async () => {
      // PapaParse guesses "\r" from a chunk that starts mid-file, unless both parts use the file's line break.
      const { whole, split } = await both('cr-in-cells.csv', `name,note,depth\n${lines(200, (index) => `S${index},first\rsecond,${index}`)}\n`);
      expect(split.parts).toBe(2);
      expect(whole.brokenRows).toBe(0);
      expect(summary(split)).toEqual(summary(whole));
    });

    it('bare LF in CRLF cell', async () => {
      const before = Array.from({ length: 100 }, (_, index) => `A${index},${index},x`).join('\r\n');
      const after = Array.from({ length: 100 }, (_, index) => `B${index},${index},x`).join('\r\n');
      const { whole, split } = await both('lf-in-crlf.csv', `name,depth,note\r\n${before}\r\nX,1,one\ntwo\r\n${after}\r\n`);
      expect(split.parts).toBe(2);
      expect(summary(split)).toEqual(summary(whole));
    });

    it('quoted blank lines across split', async () => {
      // The first part ends in an open quote whose record holds only line breaks.
      const content = `name,a,b\n${lines(50, (index) => `A${index},${index},${index}`)}\n"${'\n'.repeat(2000)}1,2,3\n4,5,6\n7,8,9",10,11\nZ,1,2\n`;
      const { whole, split } = await both('blank-quoted.csv', content);
      expect(split.parts).toBe(1);
      expect(summary(split)).toEqual(summary(whole));
    });

    it('chosen header past split', async () => {
      const { whole, split } = await both('late-header.csv', `${'some preamble line of text\n'.repeat(10)}name,a,b\nS1,1,2\nS2,3,4\nS3,5,6\n`, 11);
      expect(whole.headers).toEqual(['name', 'a', 'b']);
      expect(split.parts).toBe(1);
      expect(summary(split)).toEqual(summary(whole));
    });

    it('header search longer than first part', async () => {
      const { whole, split } = await both('short-top.csv', `Title of file\n${'some comment line here long\n'.repeat(3)}name,a,b\nS0,0,0.0\nS1,1,0.5\n`);
      expect(split.parts).toBe(1);
      expect(summary(split)).toEqual(summary(whole));
    });
  });

  it('does not split UTF-16, ZIP entries or small files', async () => {
    const location = await csvFile('small.csv', 'name,value\nA,1\nB,2\n');
    expect(await splitPlan({ ...location, encoding: 'utf-16le' }, null, ALWAYS)).toBeNull();
    expect(await splitPlan({ ...location, entry: 'table.csv' }, null, ALWAYS)).toBeNull();
    expect(await splitPlan(location, null, 1024)).toBeNull();
    expect(await splitPlan(location, 5_000, ALWAYS)).toBeNull();
  });
});
