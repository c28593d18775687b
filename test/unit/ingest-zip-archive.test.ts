import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportRejected } from '../../workers/ingest/ingest-errors.js';
import { ZipArchive, ZipArchiveError } from '../../workers/ingest/zip-archive.js';
import { resolveZipTable } from '../../workers/ingest/zip-table.js';

/** Archives made here with fflate, each for one rule about what a ZIP upload may contain. */
const directory = mkdtempSync(path.join(os.tmpdir(), 'fairport-zip-'));
const STATIONS = 'name,value\nA,1\nB,2\n';
let archiveCount = 0;

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function archive(files: Zippable | Uint8Array): string {
  archiveCount += 1;
  const file = path.join(directory, `archive-${archiveCount}.zip`);
  writeFileSync(file, files instanceof Uint8Array ? files : zipSync(files));
  return file;
}

async function rejection(file: string, options: { entry?: string; maxEntryBytes?: number } = {}): Promise<string> {
  const error = await resolveZipTable(file, { entry: options.entry ?? null, ...(options.maxEntryBytes ? { maxEntryBytes: options.maxEntryBytes } : {}) }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImportRejected);
  return (error as ImportRejected).summary;
}

/**
 * Rewrites the uncompressed size an archive declares for its only entry, in the local header
 * (offset 22) and in the central directory record (offset 24), as a crafted archive would.
 */
function withDeclaredSize(zip: Uint8Array, size: number): Uint8Array {
  const bytes = Buffer.from(zip);
  bytes.writeUInt32LE(size, 22);
  const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt32LE(size, central + 24);
  return bytes;
}

describe('ZIP archive tables', () => {
  it('lists several tables for a choice', async () => {
    const file = archive({ 'a.csv': strToU8(STATIONS), 'sub/b.geojson': strToU8('{"type":"FeatureCollection","features":[]}'), 'README.md': strToU8('# notes') });
    const resolved = await resolveZipTable(file, { entry: null });
    expect(resolved).toEqual({
      kind: 'choice',
      tables: [
        { path: 'a.csv', format: 'csv', sizeBytes: STATIONS.length },
        { path: 'sub/b.geojson', format: 'geojson', sizeBytes: 42 },
      ],
      notes: [],
    });
  });

  it('reads the chosen table', async () => {
    const file = archive({ 'a.csv': strToU8('x,y\n1,2\n'), 'b.csv': strToU8(STATIONS) });
    const resolved = await resolveZipTable(file, { entry: 'b.csv' });
    expect(resolved.kind).toBe('table');
    if (resolved.kind !== 'table') return;
    expect(resolved.table).toMatchObject({ format: 'csv', container: 'zip', entry: 'b.csv', sample: STATIONS, notes: ['Table "b.csv", one of 2 in the ZIP archive.'] });
    expect(resolved.table.tables.map((table) => table.path)).toEqual(['a.csv', 'b.csv']);
  });

  it('rejects a choice not in the archive', async () => {
    const file = archive({ 'a.csv': strToU8(STATIONS), 'notes.md': strToU8('text') });
    expect(await rejection(file, { entry: 'notes.md' })).toBe('The ZIP archive has no table "notes.md"; its tables are "a.csv". Choose one of them.');
  });

  it.each([
    ['../evil.csv', 'it contains ".." and so points outside the archive'],
    ['data/../../evil.csv', 'it contains ".." and so points outside the archive'],
    ['/etc/evil.csv', 'it is an absolute path'],
    ['C:/evil.csv', 'it is an absolute path'],
    ['..\\evil.csv', 'it contains ".." and so points outside the archive'],
  ])('rejects the path traversal name %j', async (name, reason) => {
    const file = archive({ 'good.csv': strToU8(STATIONS), [name]: strToU8(STATIONS) });
    const message = await rejection(file);
    expect(message).toContain(`"${name.replace('\\', '/')}", which is not allowed because ${reason}`);
    expect(message).toMatch(/^The file is a ZIP archive/);
    // One instruction only: the archive's own, not the general advice after it.
    expect(message).toMatch(/; pack the files again with paths inside the archive\.$/);
  });

  it('rejects an archive of archives only', async () => {
    const file = archive({ 'inner.zip': zipSync({ 'a.csv': strToU8(STATIONS) }), 'more.tar.gz': strToU8('not unpacked') });
    expect(await rejection(file)).toBe(
      'The ZIP archive contains only other archives ("inner.zip", "more.tar.gz"), and archives inside an archive are not unpacked; upload the table itself, or a ZIP archive holding it.',
    );
  });

  it('notes nested archives beside a table', async () => {
    const file = archive({ 'a.csv': strToU8(STATIONS), 'inner.zip': zipSync({ 'b.csv': strToU8(STATIONS) }) });
    const resolved = await resolveZipTable(file, { entry: null });
    expect(resolved.kind).toBe('table');
    if (resolved.kind !== 'table') return;
    expect(resolved.table.entry).toBe('a.csv');
    expect(resolved.table.notes).toEqual(['The archive also contains "inner.zip"; archives inside an archive are not unpacked.']);
  });

  it('rejects a table that is an archive', async () => {
    const file = archive({ 'data.csv': zipSync({ 'a.csv': strToU8(STATIONS) }) });
    expect(await rejection(file)).toBe('"data.csv" in the ZIP archive is itself an archive, and archives inside an archive are not unpacked; upload the table directly.');
  });

  it('rejects a workbook that is another archive', async () => {
    const file = archive({ 'book.xlsx': zipSync({ 'a.csv': strToU8(STATIONS) }) });
    expect(await rejection(file)).toBe('"book.xlsx" in the ZIP archive is an archive, not a workbook, and archives inside an archive are not unpacked; upload the table itself.');
  });

  it('rejects a declared size over the limit', async () => {
    const file = archive({ 'small.csv': strToU8(STATIONS), 'big.csv': strToU8('x'.repeat(3000)) });
    expect(await rejection(file, { maxEntryBytes: 2048 })).toBe(
      'The ZIP archive cannot be imported: "big.csv" in the archive unpacks to 2.9 KiB, more than the 2 KiB the portal reads from one file in an archive. Upload the table itself, or split it into smaller files.',
    );
  });

  it('stops an entry unpacking past its declared size', async () => {
    const file = archive(withDeclaredSize(zipSync({ 'bomb.csv': strToU8('x'.repeat(100_000)) }), 10));
    const zip = await ZipArchive.open(file, { maxEntryBytes: 1000 });
    try {
      expect(zip.entries()).toEqual([{ name: 'bomb.csv', uncompressedSize: 10 }]);
      const read = async () => {
        for await (const _chunk of await zip.openStream('bomb.csv')) {
          // Reading is what fails.
        }
      };
      const error = await read().then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(ZipArchiveError);
      expect((error as Error).message).toMatch(/^"bomb\.csv" in the archive cannot be unpacked \(too many bytes in the stream/);
    } finally {
      zip.close();
    }
  });
});
