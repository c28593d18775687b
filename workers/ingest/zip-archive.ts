import { Transform, type Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';

/**
 * Largest uncompressed entry the worker reads. A ZIP declares each entry's size, and both that
 * size and the bytes that actually come out of the entry are checked against this limit, so a
 * small archive (a ZIP bomb) cannot expand without limit.
 */
export const MAX_ENTRY_BYTES = 16 * 1024 ** 3;

/**
 * Largest entry that readText reads into memory: the list of sheets, its relationships, the styles
 * and an ODS mimetype. NOTE: an estimate with wide room, not measured on real workbooks.
 */
export const MAX_TEXT_ENTRY_BYTES = 32 * 1024 ** 2;

/** ZIP's compression method 8 (deflate); the other method the worker reads, 0, stores bytes as they are. */
const DEFLATE = 8;
const INFLATE_CHUNK_BYTES = 256 * 1024;

/** Options of reading an archive. */
export interface ZipArchiveOptions {
  /** Largest uncompressed entry that is read; MAX_ENTRY_BYTES unless given. */
  maxEntryBytes?: number;
}

/** Raised for an archive the worker cannot read: broken, encrypted, or with an oversized entry. */
export class ZipArchiveError extends Error {
  override name = 'ZipArchiveError';

  /** `advised` is true when the message already names what to do, so no general advice is added to it. */
  constructor(
    message: string,
    readonly advised = false,
  ) {
    super(message);
  }
}

/** One file in an archive. */
export interface ZipEntryInfo {
  name: string;
  uncompressedSize: number;
}

/**
 * Returns why an entry name is unsafe, or null when it is safe. An absolute path, a drive letter
 * or a `..` segment would point outside the archive if it were unpacked. Control characters have
 * no place in a file name.
 */
export function unsafeEntryNameReason(name: string): string | null {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'it is an absolute path';
  if (name.split('/').includes('..')) return 'it contains ".." and so points outside the archive';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains control characters';
  return null;
}

/** A ZIP file on disk whose entries are read as streams, one at a time, without unpacking it. */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly byName: Map<string, yauzl.Entry>,
    private readonly maxEntryBytes: number,
  ) {}

  /**
   * Opens an archive and reads its central directory. Rejects the whole archive when an entry
   * has an unsafe name (see unsafeEntryNameReason), because such names mark a crafted archive.
   */
  static async open(file: string, options: ZipArchiveOptions = {}): Promise<ZipArchive> {
    // yauzl checks names only when it decodes them itself, and then fails with a bare "invalid
    // relative path". Decoding them here gives the uploader a message that names the entry.
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false }, (error, opened) => {
        if (error || !opened) reject(new ZipArchiveError(`it cannot be read (${(error?.message ?? 'unknown error').replace(/\.$/, '')})`));
        else resolve(opened);
      });
    });
    try {
      return new ZipArchive(zip, await readEntries(zip), options.maxEntryBytes ?? MAX_ENTRY_BYTES);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** Lists the files in the archive, leaving out folders. */
  entries(): ZipEntryInfo[] {
    return [...this.byName].map(([name, entry]) => ({ name, uncompressedSize: entry.uncompressedSize }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Tells whether an entry declares more uncompressed bytes than the archive reads. */
  isTooLarge(entry: ZipEntryInfo): boolean {
    return entry.uncompressedSize > this.maxEntryBytes;
  }

  /** Returns the message for an entry that unpacks to more than the limit; `size` is its declared size. */
  tooLargeMessage(name: string, size: number | null): string {
    const found = size === null ? 'more' : formatBytes(size);
    return `"${name}" in the archive unpacks to ${found}, more than the ${formatBytes(this.maxEntryBytes)} the portal reads from one file in an archive`;
  }

  /**
   * Opens an entry as a stream of its uncompressed bytes. The stream fails with a ZipArchiveError
   * when the entry is damaged or unpacks to more than the limit, whatever size it declares.
   */
  async openStream(name: string): Promise<Readable> {
    const entry = this.byName.get(name);
    if (!entry) throw new ZipArchiveError(`the archive has no file "${name}"`);
    if (entry.isEncrypted()) throw new ZipArchiveError(`"${name}" in the archive is encrypted`);
    if (entry.uncompressedSize > this.maxEntryBytes) throw new ZipArchiveError(this.tooLargeMessage(name, entry.uncompressedSize));

    // Deflated entries are inflated here rather than by yauzl, whose 16 KiB output chunks cost a
    // callback each: 256 KiB chunks take about half the time for a sheet of tens of megabytes.
    const deflated = entry.compressionMethod === DEFLATE;
    const raw = await new Promise<Readable>((resolve, reject) => {
      this.zip.openReadStream(entry, { decompress: deflated ? false : null }, (error, stream) => {
        if (error || !stream) reject(new ZipArchiveError(`"${name}" cannot be read from the archive: ${error?.message ?? 'unknown error'}`));
        else resolve(stream);
      });
    });
    return this.limited(raw, deflated ? createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }) : null, name, { size: entry.uncompressedSize, crc32: entry.crc32 });
  }

  /**
   * Reads a small entry, such as a workbook's part list, as UTF-8 text. The entry is held whole in
   * memory, so one that declares more than MAX_TEXT_ENTRY_BYTES is rejected.
   */
  async readText(name: string): Promise<string> {
    const entry = this.byName.get(name);
    if (entry && entry.uncompressedSize > MAX_TEXT_ENTRY_BYTES) throw new ZipArchiveError(textTooLargeMessage(name, entry.uncompressedSize));

    // openStream fails on more bytes than the entry declares, so the declared size bounds the memory.
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openStream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }

  /**
   * Pipes an entry's bytes (through `inflate` when it is compressed) into a byte counter. The
   * counter fails when the bytes differ from the size or the CRC-32 the entry declares, and
   * turns stream errors into ZipArchiveErrors that name the entry. A reader that stops early
   * destroys the counter, which releases the streams.
   */
  private limited(raw: Readable, inflate: Transform | null, name: string, expected: { size: number; crc32: number }): Readable {
    const declared = expected.size;
    const damaged = (reason: string) => new ZipArchiveError(`"${name}" in the archive cannot be unpacked (${reason}); the archive is damaged`);
    let bytes = 0;
    let crc = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        bytes += chunk.length;
        crc = crc32(chunk, crc);
        // openStream checked the declared size against the limit, so this also keeps the bytes within it.
        next(bytes > declared ? damaged(`too many bytes in the stream: more than the ${declared} it declares`) : null, chunk);
      },
      flush(done) {
        if (bytes < declared) done(damaged(`too few bytes in the stream: ${bytes} of the ${declared} it declares`));
        else if (crc >>> 0 !== expected.crc32 >>> 0) done(damaged('its CRC-32 checksum does not match the bytes'));
        else done(null);
      },
    });
    const streams = inflate ? [raw, inflate] : [raw];
    for (const stream of streams) stream.on('error', (error: Error) => counted.destroy(damaged(error.message)));
    counted.on('close', () => {
      for (const stream of streams) stream.destroy();
    });
    (inflate ? raw.pipe(inflate) : raw).pipe(counted);
    return counted;
  }
}

/** Reads the central directory: every entry that is not a folder, by its decoded and checked name. */
async function readEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const byName = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      // With strictFileNames off, yauzl turns backslashes into slashes, as Windows archivers mean them.
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
      const unsafe = unsafeEntryNameReason(name);
      if (unsafe !== null) {
        reject(new ZipArchiveError(`the archive contains a file named "${name}", which is not allowed because ${unsafe}; pack the files again with paths inside the archive`, true));
        return;
      }
      if (byName.has(name)) {
        // Unpacking tools disagree on which of two same-named files wins, so neither is read.
        reject(new ZipArchiveError(`the archive contains two files named "${name}", so it is not clear which one to read; pack the files again with one of each`, true));
        return;
      }
      if (!name.endsWith('/')) byName.set(name, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (error: Error) => reject(new ZipArchiveError(`the ZIP archive is damaged: ${error.message}`)));
    zip.readEntry();
  });
  return byName;
}

function textTooLargeMessage(name: string, size: number): string {
  return `"${name}" in the archive unpacks to ${formatBytes(size)}, more than the ${formatBytes(MAX_TEXT_ENTRY_BYTES)} the portal reads of such a part; open the file in a spreadsheet program, save it again and upload it`;
}

/** Writes a byte count for a message, in binary units from KiB up: "16 GiB", "1.5 MiB". */
function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return bytes < 1024 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}
