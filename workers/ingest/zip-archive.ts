import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';

/**
 * Largest uncompressed entry the worker reads. A ZIP declares each entry's size, and yauzl checks
 * the bytes against it while inflating, so a small archive cannot expand without limit.
 */
export const MAX_ENTRY_BYTES = 16 * 1024 ** 3;

/** ZIP's compression method 8, the only one besides storing that the worker reads. */
const DEFLATE = 8;
const INFLATE_CHUNK_BYTES = 256 * 1024;

/** Raised for an archive the worker cannot read: broken, encrypted, or with an oversized entry. */
export class ZipArchiveError extends Error {
  override name = 'ZipArchiveError';
}

/** One file in an archive. */
export interface ZipEntryInfo {
  name: string;
  uncompressedSize: number;
}

/** A ZIP file on disk whose entries are read as streams, one at a time, without unpacking it. */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly byName: Map<string, yauzl.Entry>,
  ) {}

  /** Opens an archive and reads its central directory. */
  static async open(file: string): Promise<ZipArchive> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, opened) => {
        if (error || !opened) reject(new ZipArchiveError(`it cannot be read (${(error?.message ?? 'unknown error').replace(/\.$/, '')})`));
        else resolve(opened);
      });
    });
    const byName = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) byName.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: Error) => reject(new ZipArchiveError(`the ZIP archive is damaged: ${error.message}`)));
      zip.readEntry();
    });
    return new ZipArchive(zip, byName);
  }

  /** Lists the files in the archive, leaving out folders. */
  entries(): ZipEntryInfo[] {
    return [...this.byName.values()].map((entry) => ({ name: entry.fileName, uncompressedSize: entry.uncompressedSize }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Opens an entry as a stream of its uncompressed bytes. */
  async openStream(name: string): Promise<Readable> {
    const entry = this.byName.get(name);
    if (!entry) throw new ZipArchiveError(`the archive has no file "${name}"`);
    if (entry.isEncrypted()) throw new ZipArchiveError(`"${name}" in the archive is encrypted`);
    if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
      throw new ZipArchiveError(`"${name}" unpacks to ${entry.uncompressedSize} bytes, more than the ${MAX_ENTRY_BYTES} the portal reads`);
    }
    const deflated = entry.compressionMethod === DEFLATE;
    const stored = await new Promise<Readable>((resolve, reject) => {
      this.zip.openReadStream(entry, { decompress: deflated ? false : null }, (error, stream) => {
        if (error || !stream) reject(new ZipArchiveError(`"${name}" cannot be read from the archive: ${error?.message ?? 'unknown error'}`));
        else resolve(stream);
      });
    });
    if (!deflated) return stored;
    // Inflated here rather than by yauzl, whose 16 KiB output chunks cost a callback each: larger
    // chunks take about half the time for a sheet of tens of megabytes.
    const inflate = createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES });
    const check = new SizeCheck(name, entry.uncompressedSize);
    const fail = (error: Error) => check.destroy(new ZipArchiveError(`"${name}" in the archive is damaged: ${error.message}`));
    stored.on('error', fail);
    inflate.on('error', fail);
    // A reader that stops early destroys the check; the streams before it are released with it.
    check.on('close', () => {
      inflate.destroy();
      stored.destroy();
    });
    return stored.pipe(inflate).pipe(check);
  }

  /** Reads a small entry, such as a workbook's part list, as UTF-8 text. */
  async readText(name: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openStream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }
}

/**
 * Passes an inflated entry's bytes on and fails when they differ from the size the archive
 * declares, so a small archive cannot expand without limit and a truncated entry is noticed.
 */
class SizeCheck extends Transform {
  private bytes = 0;

  constructor(
    private readonly name: string,
    private readonly declared: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.declared) callback(new ZipArchiveError(`"${this.name}" unpacks to more than the ${this.declared} bytes the archive declares`));
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes < this.declared) callback(new ZipArchiveError(`"${this.name}" unpacks to ${this.bytes} bytes, fewer than the ${this.declared} the archive declares`));
    else callback();
  }
}
