import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { ImportArchiveEntry, ImportFormat, TextEncodingName } from '../../common/api/imports.js';
import { sniffFormat } from './format-sniffer.js';
import { ImportRejected } from './ingest-errors.js';
import { ENCODING_SAMPLE_BYTES } from './text-decoding.js';
import { ZipArchive, ZipArchiveError, type ZipArchiveOptions, type ZipEntryInfo } from './zip-archive.js';

/** The table a ZIP upload holds: the workbook itself, or the chosen table file inside an archive. */
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
  /** Every table in the archive, the chosen one among them; empty for a workbook. */
  tables: ImportArchiveEntry[];
  /** Notes about the archive for the uploader, shown with the mapping. */
  notes: string[];
}

/** The outcome of resolving a ZIP upload: one table to read, or several for the uploader to choose from. */
export type ZipResolution = { kind: 'table'; table: ZipTable } | { kind: 'choice'; tables: ImportArchiveEntry[]; notes: string[] };

/** How to resolve an archive: the table the uploader chose, and the archive reader's limits. */
export interface ZipTableOptions extends ZipArchiveOptions {
  /** Path of the chosen table inside the archive, or null to pick the only one. */
  entry: string | null;
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
// Archives inside the archive are never unpacked, and they are named so the uploader learns why.
const ARCHIVE_EXTENSIONS = new Set(['zip', '7z', 'rar', 'tar', 'gz', 'tgz', 'bz2', 'xz']);
const LISTED_NAMES = 5;
const TABLE_KINDS = 'CSV, TSV, XLSX, ODS or GeoJSON';

/**
 * Finds out what a ZIP upload is. An XLSX or ODS file is itself a ZIP archive, recognised by its
 * parts. Any other archive is searched for table files (folders and macOS metadata are ignored):
 * with one, or with the one the uploader chose, that table is read, and with several and no
 * choice the uploader is asked to choose. A workbook inside an archive is unpacked next to the
 * upload, because a workbook is read by random access to its parts.
 */
export async function resolveZipTable(file: string, options: ZipTableOptions): Promise<ZipResolution> {
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(file, options);
  } catch (error) {
    const known = error instanceof ZipArchiveError ? error : null;
    const advice = known?.advised ? '' : '; save it again and upload it, or unpack it first';
    throw new ImportRejected(`The file is a ZIP archive (or an XLSX or ODS workbook, which are ZIP archives) but ${known ? known.message : 'it cannot be read'}${advice}.`);
  }
  try {
    if (archive.has('xl/workbook.xml')) return workbook('xlsx', options.entry);
    if (archive.has('content.xml') && (await isOds(archive))) return workbook('ods', options.entry);
    return await chooseTable(file, archive, options.entry);
  } catch (error) {
    if (error instanceof ZipArchiveError) throw new ImportRejected(`The ZIP archive cannot be read: ${error.message}.`);
    throw error;
  } finally {
    archive.close();
  }
}

async function chooseTable(file: string, archive: ZipArchive, chosen: string | null): Promise<ZipResolution> {
  const files = archive.entries().filter((entry) => !isMetadata(entry.name));
  const tables = files.filter((entry) => formatOfName(entry.name) !== null);
  const archives = files.filter((entry) => ARCHIVE_EXTENSIONS.has(extensionOf(entry.name)));
  rejectUnusable(archive, files, tables, archives);

  const listed = tables.map((entry) => ({ path: entry.name, format: formatOfName(entry.name)!, sizeBytes: entry.uncompressedSize }));
  const notes = archives.length > 0 ? [`The archive also contains ${names(archives)}; archives inside an archive are not unpacked.`] : [];
  // A .txt file beside a table file is most often a readme, so the one table file is taken.
  const tableFiles = tables.filter((entry) => !isPlainText(entry.name));
  const texts = tables.filter((entry) => isPlainText(entry.name));
  const preferred = tableFiles.length === 1 && texts.length > 0 ? tableFiles[0]!.name : null;
  const entry = chosen ?? preferred ?? (listed.length === 1 ? listed[0]!.path : null);
  if (entry === null) return { kind: 'choice', tables: listed, notes };
  if (entry === preferred && chosen === null) {
    notes.unshift(`The archive also contains ${names(texts)}, taken for notes rather than a table; choose ${texts.length === 1 ? 'it' : 'one of them'} instead if it is the table.`);
  }
  if (!listed.some((table) => table.path === entry)) {
    throw new ImportRejected(`The ZIP archive has no table "${entry}"; its tables are ${names(tables)}. Choose one of them.`);
  }

  if (listed.length > 1) notes.unshift(`Table "${entry}", one of ${listed.length} in the ZIP archive.`);
  const table = await readEntry(file, archive, entry);
  return { kind: 'table', table: { ...table, tables: listed, notes } };
}

/** Rejects an archive without a table, or with a table larger than the reader's limit (a ZIP bomb). */
function rejectUnusable(archive: ZipArchive, files: ZipEntryInfo[], tables: ZipEntryInfo[], archives: ZipEntryInfo[]): void {
  if (files.length === 0) {
    throw new ImportRejected(`The ZIP archive is empty, so it contains no ${TABLE_KINDS} table; add the table to the archive and upload it again, or upload the table itself.`);
  }
  if (tables.length === 0 && archives.length > 0) {
    throw new ImportRejected(`The ZIP archive contains only other archives (${names(archives)}), and archives inside an archive are not unpacked; upload the table itself, or a ZIP archive holding it.`);
  }
  if (tables.length === 0) {
    throw new ImportRejected(
      `The ZIP archive contains no ${TABLE_KINDS} table (a file ending in .csv, .tsv, .txt, .xlsx, .ods, .geojson or .json), only ${names(files)}; add the table to the archive and upload it again, or upload the table itself.`,
    );
  }

  const tooLarge = tables.find((entry) => archive.isTooLarge(entry));
  if (tooLarge) {
    throw new ImportRejected(`The ZIP archive cannot be imported: ${archive.tooLargeMessage(tooLarge.name, tooLarge.uncompressedSize)}. Upload the table itself, or split it into smaller files.`);
  }
}

type EntryTable = Omit<ZipTable, 'tables' | 'notes'>;

async function readEntry(file: string, archive: ZipArchive, entry: string): Promise<EntryTable> {
  const format = formatOfName(entry)!;
  if (format === 'xlsx' || format === 'ods') {
    const unpacked = `${file}.table`;
    await pipeline(await archive.openStream(entry), createWriteStream(unpacked));
    await requireWorkbook(unpacked, entry, format);
    return { format, container: 'zip', entry, unpacked, encoding: null, sample: null };
  }
  return textEntry(archive, entry);
}

function workbook(format: 'xlsx' | 'ods', chosen: string | null): ZipResolution {
  if (chosen !== null) throw new ImportRejected(`The file is a workbook, not an archive of tables, so it has no table "${chosen}" to choose.`);
  return { kind: 'table', table: { format, container: null, entry: null, unpacked: null, encoding: null, sample: null, tables: [], notes: [] } };
}

/** Rejects a workbook entry that is some other ZIP archive: archives inside an archive are not unpacked. */
async function requireWorkbook(unpacked: string, entry: string, format: 'xlsx' | 'ods'): Promise<void> {
  const inner = await ZipArchive.open(unpacked);
  try {
    const part = format === 'xlsx' ? 'xl/workbook.xml' : 'content.xml';
    if (!inner.has(part)) throw new ImportRejected(`"${entry}" in the ZIP archive is an archive, not a workbook, and archives inside an archive are not unpacked; upload the table itself.`);
  } finally {
    inner.close();
  }
}

async function textEntry(archive: ZipArchive, entry: string): Promise<EntryTable> {
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
  if (sniffed.kind === 'zip') throw new ImportRejected(`"${entry}" in the ZIP archive is itself an archive, and archives inside an archive are not unpacked; upload the table directly.`);
  return { format: sniffed.format, container: 'zip', entry, unpacked: null, encoding: sniffed.encoding, sample: sniffed.sample };
}

async function isOds(archive: ZipArchive): Promise<boolean> {
  if (!archive.has('mimetype')) return true;
  return (await archive.readText('mimetype')).trim() === ODS_MIMETYPE;
}

function isMetadata(name: string): boolean {
  return name.startsWith('__MACOSX/') || name.split('/').some((part) => part.startsWith('.'));
}

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** Tells whether a file is named as plain text (.txt), which may be a table or a readme. */
export function isPlainText(name: string): boolean {
  return extensionOf(name) === 'txt';
}

function formatOfName(name: string): ImportFormat | null {
  return TABLE_EXTENSIONS[extensionOf(name)] ?? null;
}

function names(entries: ZipEntryInfo[]): string {
  const quoted = entries.slice(0, LISTED_NAMES).map((entry) => `"${entry.name}"`);
  return `${quoted.join(', ')}${entries.length > LISTED_NAMES ? ', …' : ''}`;
}
