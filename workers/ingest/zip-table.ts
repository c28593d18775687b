import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { ImportFormat, TextEncodingName } from '../../common/api/imports.js';
import { sniffFormat } from './format-sniffer.js';
import { ImportRejected } from './ingest-errors.js';
import { ENCODING_SAMPLE_BYTES } from './text-decoding.js';
import { ZipArchive, ZipArchiveError } from './zip-archive.js';

/** The table a ZIP upload holds: the workbook itself, or the one table file inside an archive. */
export interface ZipTable {
  format: ImportFormat;
  container: 'zip' | null;
  /** Name of the table inside the archive; null when the upload is the workbook. */
  entry: string | null;
  /** Path of a workbook unpacked from the archive, read in its place; null otherwise. */
  unpacked: string | null;
  encoding: TextEncodingName | null;
  /** The start of a text table, decoded; null for workbooks. */
  sample: string | null;
}

const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';
const TABLE_EXTENSIONS: Record<string, ImportFormat> = {
  csv: 'csv',
  tsv: 'csv',
  tab: 'csv',
  txt: 'csv',
  geojson: 'geojson',
  json: 'geojson',
  xlsx: 'xlsx',
  ods: 'ods',
};

/**
 * Finds out what a ZIP upload is. An XLSX or ODS file is itself a ZIP archive, recognised by its
 * parts; any other archive must hold exactly one table file (folders and macOS metadata are
 * ignored). A workbook inside an archive is unpacked next to the upload, because a workbook is
 * read by random access to its parts.
 */
export async function resolveZipTable(file: string): Promise<ZipTable> {
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(file);
  } catch (error) {
    throw new ImportRejected(`The file is a ZIP archive (or an XLSX or ODS workbook, which are ZIP archives) but ${error instanceof ZipArchiveError ? error.message : 'it cannot be read'}; save it again and upload it, or unpack it first.`);
  }
  try {
    if (archive.has('xl/workbook.xml')) return workbook('xlsx');
    if (archive.has('content.xml') && (await isOds(archive))) return workbook('ods');

    const tables = archive.entries().filter((entry) => !isMetadata(entry.name) && formatOfName(entry.name) !== null);
    if (tables.length === 0) throw new ImportRejected('The ZIP archive contains no table (.csv, .tsv, .txt, .xlsx, .ods, .geojson or .json); add one and upload it again.');
    if (tables.length > 1) {
      const names = tables.slice(0, 5).map((entry) => `"${entry.name}"`).join(', ');
      throw new ImportRejected(`The ZIP archive contains ${tables.length} tables (${names}${tables.length > 5 ? ', …' : ''}); upload one table per import.`);
    }
    const entry = tables[0]!.name;
    const format = formatOfName(entry)!;
    if (format === 'xlsx' || format === 'ods') {
      const unpacked = `${file}.table`;
      await pipeline(await archive.openStream(entry), createWriteStream(unpacked));
      return { format, container: 'zip', entry, unpacked, encoding: null, sample: null };
    }
    return await textEntry(archive, entry);
  } catch (error) {
    if (error instanceof ZipArchiveError) throw new ImportRejected(`The ZIP archive cannot be read: ${error.message}.`);
    throw error;
  } finally {
    archive.close();
  }
}

function workbook(format: 'xlsx' | 'ods'): ZipTable {
  return { format, container: null, entry: null, unpacked: null, encoding: null, sample: null };
}

async function textEntry(archive: ZipArchive, entry: string): Promise<ZipTable> {
  const stream = await archive.openStream(entry);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= ENCODING_SAMPLE_BYTES) break;
  }
  stream.destroy();
  const sniffed = sniffFormat(Buffer.concat(chunks).subarray(0, ENCODING_SAMPLE_BYTES));
  if (sniffed.kind === 'empty') throw new ImportRejected(`"${entry}" in the ZIP archive is empty.`);
  if (sniffed.kind === 'rejected') throw new ImportRejected(`"${entry}" in the ZIP archive cannot be read: ${sniffed.reason}`);
  if (sniffed.kind === 'zip') throw new ImportRejected(`"${entry}" in the ZIP archive is itself an archive; upload the table directly.`);
  return { format: sniffed.format, container: 'zip', entry, unpacked: null, encoding: sniffed.encoding, sample: sniffed.sample };
}

async function isOds(archive: ZipArchive): Promise<boolean> {
  if (!archive.has('mimetype')) return true;
  return (await archive.readText('mimetype')).trim() === ODS_MIMETYPE;
}

function isMetadata(name: string): boolean {
  return name.startsWith('__MACOSX/') || name.split('/').some((part) => part.startsWith('.'));
}

function formatOfName(name: string): ImportFormat | null {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? null : (TABLE_EXTENSIONS[name.slice(dot + 1).toLowerCase()] ?? null);
}
