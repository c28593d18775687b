import { createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Suffix of an upload's record spool: the rows the analysis read from a workbook, which the load
 * reads instead of the workbook (workers/ingest/record-spool.ts).
 */
export const RECORD_SPOOL_SUFFIX = 'records';

/** Suffix of the downloadable CSV of an import's issues, beside its upload. */
export const ISSUES_REPORT_SUFFIX = 'issues.csv';

/**
 * Uploaded files on a local directory shared by the server and the workers (a Docker volume in
 * Compose). Keys are made here, never from a user's file name, so no path a user sends can
 * reach outside the directory.
 */
export class UploadStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Makes a fresh storage key for a new upload. */
  newKey(): string {
    return `imports/${randomUUID()}`;
  }

  /** Absolute path of a key, after checking that the key is one this store made. */
  pathOf(key: string): string {
    if (!/^imports\/[0-9a-f-]{36}$/.test(key)) {
      throw new Error(`Invalid upload storage key "${key}"`);
    }
    return path.join(this.root, key);
  }

  async openWrite(key: string): Promise<WriteStream> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    return createWriteStream(file, { flags: 'wx' });
  }

  /**
   * Absolute path of a file that belongs to an upload, such as its report of invalid rows: the
   * upload's path with a fixed suffix, so it lives and goes with the upload.
   */
  derivedPath(key: string, suffix: string): string {
    if (!/^[a-z][a-z.]*$/.test(suffix)) throw new Error(`Invalid suffix "${suffix}" for a file derived from an upload`);
    return `${this.pathOf(key)}.${suffix}`;
  }

  /**
   * Removes a file derived from an upload, and its temporary files named `<file>.<suffix>.*`
   * (such as a spool that a stopped worker left half written).
   */
  async removeDerived(key: string, suffix: string): Promise<void> {
    await removeWithSuffixed(this.derivedPath(key, suffix));
  }

  /** Removes an upload and every file derived from it. */
  async removeWithDerived(key: string): Promise<void> {
    await removeWithSuffixed(this.pathOf(key));
  }

  openRead(key: string, options?: { start?: number; end?: number; highWaterMark?: number }): ReadStream {
    return createReadStream(this.pathOf(key), options);
  }

  async size(key: string): Promise<number> {
    return (await stat(this.pathOf(key))).size;
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

/** Removes a file and every file beside it whose name is the file's name, a dot and more. */
async function removeWithSuffixed(file: string): Promise<void> {
  const directory = path.dirname(file);
  const base = path.basename(file);
  const names = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name === base || name.startsWith(`${base}.`)).map((name) => rm(path.join(directory, name), { force: true })));
}
