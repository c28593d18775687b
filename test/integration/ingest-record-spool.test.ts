import { copyFile, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_SPOOL_SUFFIX } from '../../server/storage/upload-store.js';
import { createIngestWorld, type IngestWorld } from '../helpers/ingest.js';
import { REPO_ROOT } from '../helpers/processes.js';

/**
 * The record spool through the ingest jobs: the analysis of a workbook spools its records, and the
 * load reads them from the spool instead of the workbook, loading the same values.
 */
const CORPUS = path.join(REPO_ROOT, 'test/fixtures/corpus');

let world: IngestWorld;
let scratch: string;
let mixedWorkbook: string;

beforeAll(async () => {
  world = await createIngestWorld();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'fairport-spool-'));
  mixedWorkbook = path.join(scratch, 'mixed.xlsx');
  await writeMixedWorkbook(mixedWorkbook, 2500);
});

afterAll(async () => {
  await world?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/**
 * Writes a workbook of `rows` rows, more than one batch of the reader, with every kind of cell:
 * shared and inline strings, numbers, qualified numbers, dates, booleans, empty cells, formula
 * errors and formulas without a cached value.
 */
async function writeMixedWorkbook(file: string, rows: number): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Data');
  sheet.addRow(['name', 'lat', 'lon', 'sampled', 'depth (m)', 'filtered', 'note', 'ratio', 'doubled']);
  for (let row = 1; row <= rows; row += 1) {
    const depth = mixedDepth(row);
    const note = mixedNote(row);
    const ratio = row % 13 === 0 ? { error: '#DIV/0!' as const } : row % 17 === 0 ? { error: '#N/A' as const } : row / 1000;
    const doubled = row % 19 === 0 ? { formula: `H${row + 1}*2` } : row * 2;
    sheet.addRow([`S-${row}`, 46 + row / 10000, 7 + row / 10000, new Date(Date.UTC(2021, 0, 1 + (row % 365))), depth, row % 2 === 0, note, ratio, doubled]);
  }
  sheet.getColumn(4).numFmt = 'yyyy-mm-dd';
  await workbook.xlsx.writeFile(file);
}

/** Returns a qualified depth, an empty cell or a number. */
function mixedDepth(row: number): string | number | null {
  if (row % 7 === 0) return '<0.5';
  if (row % 11 === 0) return null;
  return row / 4;
}

/** Returns text with quotes, a line break and non-ASCII letters, an empty string or an empty cell. */
function mixedNote(row: number): string | null {
  if (row % 5 === 0) return `Zürich "${row}"\nline 2; ✓`;
  if (row % 3 === 0) return '';
  return null;
}

async function storageKeyOf(importId: string): Promise<string> {
  const record = await world.knex('imports').where({ id: importId }).first('storageKey');
  return record.storageKey as string;
}

async function spoolPathOf(importId: string): Promise<string> {
  return world.uploads.derivedPath(await storageKeyOf(importId), RECORD_SPOOL_SUFFIX);
}

/** Lists the record spool and its temporary files beside an import's upload. */
async function spoolFilesOf(importId: string): Promise<string[]> {
  const spool = await spoolPathOf(importId);
  const names = await readdir(path.dirname(spool));
  return names.filter((name) => name === path.basename(spool) || name.startsWith(`${path.basename(spool)}.`));
}

/** Overwrites the upload, and the workbook unpacked from it, with zeros, so any read of them fails. */
async function destroyWorkbook(importId: string): Promise<void> {
  const upload = world.uploads.pathOf(await storageKeyOf(importId));
  for (const file of [upload, `${upload}.table`]) {
    const size = await stat(file).then(
      (found) => found.size,
      () => null,
    );
    if (size !== null) await writeFile(file, Buffer.alloc(size));
  }
}

/** Everything an import put into its dataset, without ids and sample positions, for comparing two loads of one file. */
async function loadedValues(importId: string, datasetId: string) {
  const record = await world.knex('imports').where({ id: importId }).first('state', 'error', 'counts', 'issues', 'issueCount', 'mapping');
  const samples = await world
    .knex('samples')
    .where({ datasetId })
    .orderBy('ord')
    .select('name', 'locationText', 'elevation', 'collectedAt', 'collectedAtPrecision', 'values', world.knex.raw('ST_AsHexEWKB(location) AS location'));
  const fields = await world.knex('dataset_fields').where({ datasetId }).orderBy('position').select('key', 'label', 'type', 'unit', 'description');
  const measurements = await world
    .knex('measurements as m')
    .join('samples as s', 's.id', 'm.sampleId')
    .join('dataset_fields as f', 'f.id', 'm.fieldId')
    .where('s.datasetId', datasetId)
    .orderBy([{ column: 's.ord' }, { column: 'f.key' }])
    .select('s.name', 'f.key', 'm.valueNumber', 'm.valueText', 'm.unit', 'm.qualifier', 'm.detectionLimit');
  return { record, samples, fields, measurements };
}

type Loaded = Awaited<ReturnType<typeof loadedValues>>;

/** Imports a file into a new dataset; `beforeLoad` runs between the analysis and the load. */
async function importFile(file: string, beforeLoad: (importId: string) => Promise<void>): Promise<Loaded> {
  const datasetId = await world.createDataset(path.basename(file));
  const importId = await world.addImport(datasetId, { path: file });
  expect(await world.analyse(importId)).toMatchObject({ state: 'awaiting_review' });
  await beforeLoad(importId);
  await world.load(importId, 'skip');
  return loadedValues(importId, datasetId);
}

const SPREADSHEETS = ['stations.xlsx', 'stations.ods', 'formula-errors.xlsx', 'formula-errors.ods', 'formula-without-value.xlsx', 'lenient-numbers.xlsx', 'dates-1904.xlsx', 'rows-out-of-order.xlsx', 'xlsx-in-zip.zip'];

describe('loading a workbook from its record spool', () => {
  it('loads the same values as from the workbook', async () => {
    const files = [mixedWorkbook, ...SPREADSHEETS.map((name) => path.join(CORPUS, name))];
    for (const file of files) {
      const fromWorkbook = await importFile(file, async (importId) => {
        await rm(await spoolPathOf(importId));
      });
      const fromSpool = await importFile(file, async (importId) => {
        expect(await spoolFilesOf(importId), file).toEqual([path.basename(await spoolPathOf(importId))]);
        await destroyWorkbook(importId);
      });

      expect(fromSpool.record.state, file).toBe('completed');
      expect(fromSpool.samples.length, file).toBeGreaterThan(0);
      expect(fromSpool, file).toEqual(fromWorkbook);
    }
  });

  it('loads every row of a workbook of several batches', async () => {
    const loaded = await importFile(mixedWorkbook, destroyWorkbook);
    expect(loaded.record.counts).toMatchObject({ rows: 2500 });
    expect(loaded.samples.at(-1)).toMatchObject({ name: 'S-2500' });
    expect(loaded.measurements.length).toBeGreaterThan(0);
    expect(loaded.record.issueCount).toBeGreaterThan(0);
  });

  it('ignores a spool of another sheet', async () => {
    const file = path.join(CORPUS, 'stations.xlsx');
    const datasetId = await world.createDataset('stale spool');
    const importId = await world.addImport(datasetId, { path: file });
    await world.analyse(importId);
    const stale = path.join(scratch, 'readme-sheet.records');
    await copyFile(await spoolPathOf(importId), stale);

    await world.changeMapping(importId, { sheet: 'Samples' });
    expect(await world.analyse(importId)).toMatchObject({ state: 'awaiting_review' });
    await copyFile(stale, await spoolPathOf(importId));
    await world.load(importId, 'skip');

    const expected = await importFile(file, async (other) => {
      await world.changeMapping(other, { sheet: 'Samples' });
      await world.analyse(other);
    });
    const loaded = await loadedValues(importId, datasetId);
    expect(loaded.record.state).toBe('completed');
    expect(loaded.samples.map((sample) => sample.name)).toEqual(expected.samples.map((sample) => sample.name));
    expect(loaded.fields).toEqual(expected.fields);
  });

  it('ignores a truncated spool', async () => {
    const file = path.join(CORPUS, 'stations.ods');
    const expected = await importFile(file, async () => undefined);
    const loaded = await importFile(file, async (importId) => {
      const spool = await spoolPathOf(importId);
      await truncate(spool, (await stat(spool)).size - 1);
    });
    expect(loaded).toEqual(expected);
  });
});

describe('record spool files', () => {
  /** Adds a corpus workbook to a new dataset and analyses it, which leaves one spool. */
  async function analysedWorkbook(dataset: string, fixture: string): Promise<string> {
    const datasetId = await world.createDataset(dataset);
    const importId = await world.addImport(datasetId, { path: path.join(CORPUS, fixture) });
    await world.analyse(importId);
    expect(await spoolFilesOf(importId)).toHaveLength(1);
    return importId;
  }

  it('writes no spool for CSV', async () => {
    const datasetId = await world.createDataset('csv');
    const importId = await world.addImport(datasetId, { content: 'name,depth\nA,1\n', name: 'plain.csv' });
    await world.analyse(importId);
    expect(await spoolFilesOf(importId)).toEqual([]);
  });

  it('removes the spool once the load completes', async () => {
    const importId = await analysedWorkbook('completed', 'stations.ods');
    expect(await world.load(importId, 'skip')).toMatchObject({ state: 'completed' });
    expect(await spoolFilesOf(importId)).toEqual([]);
  });

  it('removes the spool when the load fails', async () => {
    const importId = await analysedWorkbook('rejected', 'formula-errors.xlsx');
    expect(await world.load(importId, 'reject')).toMatchObject({ state: 'failed' });
    expect(await spoolFilesOf(importId)).toEqual([]);
  });

  it('removes the spool of a cancelled load', async () => {
    const importId = await analysedWorkbook('cancelled', 'stations.ods');
    await world.knex('imports').where({ id: importId }).update({ state: 'cancelled', phase: 'done', loadRequestedAt: world.knex.fn.now() });
    expect(await world.load(importId)).toMatchObject({ state: 'skipped' });
    expect(await spoolFilesOf(importId)).toEqual([]);
  });

  it('removes the spool of a rejected analysis', async () => {
    const datasetId = await world.createDataset('header only');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Data').addRow(['name', 'depth']);
    const file = path.join(scratch, 'header-only.xlsx');
    await workbook.xlsx.writeFile(file);
    const importId = await world.addImport(datasetId, { path: file });
    expect(await world.analyse(importId)).toMatchObject({ state: 'failed' });
    expect(await spoolFilesOf(importId)).toEqual([]);
  });

  it('removes half-written spools on reanalysis', async () => {
    const datasetId = await world.createDataset('left over');
    const importId = await world.addImport(datasetId, { path: path.join(CORPUS, 'stations.ods') });
    const leftOver = `${await spoolPathOf(importId)}.partial-0f0e0d0c-0b0a-4908-8706-050403020100`;
    await writeFile(leftOver, 'a worker stopped while writing this');
    await world.analyse(importId);
    expect(await spoolFilesOf(importId)).toEqual([path.basename(await spoolPathOf(importId))]);
  });
});
