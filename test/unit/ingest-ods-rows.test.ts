import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_REPEATED_CELLS, MAX_REPEATED_ROWS, readOdsRows } from '../../workers/ingest/ods-reader.js';
import { ZipArchive, ZipArchiveError } from '../../workers/ingest/zip-archive.js';

/** OpenDocument spreadsheets written here by hand, each with one table of the given rows. */
const directory = mkdtempSync(path.join(os.tmpdir(), 'fairport-ods-'));
let fileCount = 0;

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function spreadsheet(rows: string): string {
  const content =
    `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
    `xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">` +
    `<office:body><office:spreadsheet><table:table table:name="Data">${rows}</table:table></office:spreadsheet></office:body></office:document-content>`;
  fileCount += 1;
  const file = path.join(directory, `sheet-${fileCount}.ods`);
  writeFileSync(file, zipSync({ mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }], 'content.xml': strToU8(content) }));
  return file;
}

function textCell(text: string, attributes = ''): string {
  return `<table:table-cell office:value-type="string"${attributes}><text:p>${text}</text:p></table:table-cell>`;
}

function tableRow(cells: string, attributes = ''): string {
  return `<table:table-row${attributes}>${cells}</table:table-row>`;
}

/** Reads every batch of the file's first table, keeping only the batch sizes and the rows' first cells and numbers. */
async function readBatches(file: string): Promise<{ sizes: number[]; firstCells: unknown[]; rowNumbers: number[] }> {
  const archive = await ZipArchive.open(file);
  try {
    const result = { sizes: [] as number[], firstCells: [] as unknown[], rowNumbers: [] as number[] };
    for await (const batch of readOdsRows(archive, null)) {
      result.sizes.push(batch.rows.length);
      if (result.firstCells.length < 10) result.firstCells.push(...batch.rows.slice(0, 10).map((row) => row[0]));
      result.rowNumbers.push(...batch.rowNumbers.slice(0, 2), ...batch.rowNumbers.slice(-1));
    }
    return result;
  } finally {
    archive.close();
  }
}

async function readError(file: string): Promise<Error> {
  const error = await readBatches(file).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ZipArchiveError);
  return error as Error;
}

describe('readOdsRows', () => {
  it('hands on a repeated wide row in batches', async () => {
    // 785 bytes compressed; expanded at once, these rows filled the worker's heap and stopped it.
    const cells = Array.from({ length: 60 }, (_, index) => textCell(`c${index}`)).join('');
    const file = spreadsheet(tableRow(cells) + tableRow(cells, ' table:number-rows-repeated="200000"') + tableRow(textCell('last')));
    const { sizes, firstCells, rowNumbers } = await readBatches(file);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(200_002);
    expect(firstCells.slice(0, 2)).toEqual(['c0', 'c0']);
    expect(rowNumbers.slice(0, 2)).toEqual([1, 2]);
    expect(rowNumbers.at(-1)).toBe(200_002);
  });

  it('rejects a row repeated more than the limit', async () => {
    const file = spreadsheet(tableRow(textCell('name')) + tableRow(textCell('A'), ' table:number-rows-repeated="1000000000"'));
    const error = await readError(file);
    expect(error.message).toContain('row 2 is repeated 1,000,000,000 times');
    expect(error.message).toContain(`${MAX_REPEATED_ROWS.toLocaleString('en')} copies`);
  });

  it('rejects repeated rows past the cell budget', async () => {
    // A kilobyte of XML that requests 999 cells copied 100,000 times, each repeat within its own limit.
    const wide = tableRow(textCell('x', ' table:number-columns-repeated="999"'), ' table:number-rows-repeated="100000"');
    const error = await readError(spreadsheet(tableRow(textCell('name')) + wide));
    expect(error.message).toContain(`add more than ${MAX_REPEATED_CELLS.toLocaleString('en')} cells`);
    expect(error.message).toContain('up to row 100001');
  });

  it('rejects repeat counts that are not positive whole numbers', async () => {
    for (const count of ['abc', '-3', '0', '1.5']) {
      const rows = spreadsheet(tableRow(textCell('name')) + tableRow(textCell('A'), ` table:number-rows-repeated="${count}"`));
      expect((await readError(rows)).message, count).toContain(`table:number-rows-repeated="${count}" is not a positive whole number`);
      const cells = spreadsheet(tableRow(textCell('name') + textCell('depth')) + tableRow(textCell('A', ` table:number-columns-repeated="${count}"`) + textCell('1')));
      expect((await readError(cells)).message, count).toContain(`table:number-columns-repeated="${count}" is not a positive whole number`);
    }
  });

  it('numbers rows after repeated empty rows', async () => {
    const file = spreadsheet(tableRow(textCell('name')) + tableRow('<table:table-cell/>', ' table:number-rows-repeated="3"') + tableRow(textCell('A')));
    const { firstCells, rowNumbers } = await readBatches(file);
    expect(firstCells).toEqual(['name', 'A']);
    expect(rowNumbers).toEqual([1, 5, 5]);
  });
});
