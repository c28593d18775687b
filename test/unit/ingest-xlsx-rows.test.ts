import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { readXlsxRows } from '../../workers/ingest/xlsx-reader.js';
import { ZipArchive, ZipArchiveError } from '../../workers/ingest/zip-archive.js';

/** Workbooks written here by hand, each with one sheet and the given shared strings. */
const directory = mkdtempSync(path.join(os.tmpdir(), 'fairport-xlsx-'));
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
let fileCount = 0;

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function workbook(sheetData: string, sharedStrings: string[] | null): string {
  const files: Zippable = {
    'xl/workbook.xml': strToU8(`<?xml version="1.0"?><workbook xmlns="${MAIN}"><sheets><sheet name="Data" sheetId="1"/></sheets></workbook>`),
    'xl/worksheets/sheet1.xml': strToU8(`<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData>${sheetData}</sheetData></worksheet>`),
  };
  if (sharedStrings !== null) {
    const items = sharedStrings.map((text) => `<si><t>${text}</t></si>`).join('');
    files['xl/sharedStrings.xml'] = strToU8(`<?xml version="1.0"?><sst xmlns="${MAIN}">${items}</sst>`);
  }
  fileCount += 1;
  const file = path.join(directory, `book-${fileCount}.xlsx`);
  writeFileSync(file, zipSync(files));
  return file;
}

function sharedCell(index: string): string {
  return `<c t="s"><v>${index}</v></c>`;
}

async function readRows(file: string): Promise<unknown[][]> {
  const archive = await ZipArchive.open(file);
  try {
    const rows: unknown[][] = [];
    for await (const batch of readXlsxRows(archive, null)) rows.push(...batch.rows);
    return rows;
  } finally {
    archive.close();
  }
}

async function readError(file: string): Promise<string> {
  const error = await readRows(file).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ZipArchiveError);
  return (error as Error).message;
}

describe('readXlsxRows shared strings', () => {
  it('reads shared strings by index', async () => {
    const file = workbook(`<row r="1">${sharedCell('0')}${sharedCell('1')}</row><row r="2">${sharedCell('1')}<c t="s"><v></v></c></row>`, ['name', 'A']);
    expect(await readRows(file)).toEqual([['name', 'A'], ['A', '']]);
  });

  it('rejects an index past the last string', async () => {
    const file = workbook(`<row r="1">${sharedCell('0')}</row><row r="2">${sharedCell('7')}</row>`, ['name']);
    const message = await readError(file);
    expect(message).toContain('a cell of row 2 refers to shared string "7", but the workbook has 1 shared strings');
    expect(message).toContain('save the workbook again');
  });

  it('rejects indexes that are not whole numbers', async () => {
    for (const index of ['-1', '1.5', 'x', '0x1']) {
      const file = workbook(`<row r="1">${sharedCell('0')}</row><row r="3">${sharedCell(index)}</row>`, ['name', 'A']);
      expect(await readError(file), index).toContain(`a cell of row 3 refers to shared string "${index}"`);
    }
  });

  it('rejects a shared-string cell without shared strings', async () => {
    const file = workbook(`<row r="1">${sharedCell('0')}</row>`, null);
    expect(await readError(file)).toContain('but the workbook has 0 shared strings');
  });
});
