import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** The state of one resumable upload's files in the upload directory. */
export interface TusUploadFiles {
  id: string;
  /** Upload-Length from the tus metadata file; null when that file is missing or unreadable. */
  declaredBytes: number | null;
  /** Size of the data file, which is the tus offset; null when the data file is missing. */
  storedBytes: number | null;
  /** Last write to the data file, or the metadata file's time when the data file is missing. */
  lastWriteAt: Date;
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Returns the directory where @tus/file-store keeps resumable uploads: `imports/` below UPLOAD_DIR. */
export function tusDirectoryOf(uploadDir: string): string {
  return path.join(path.resolve(uploadDir), 'imports');
}

/** Tells whether every declared byte of an upload is stored. */
export function isFinished(files: TusUploadFiles): boolean {
  return files.declaredBytes !== null && files.storedBytes === files.declaredBytes;
}

/**
 * The files @tus/file-store writes for each resumable upload: the data file named by the upload
 * id and a metadata file `<id>.json` beside it. Multipart uploads and files derived from an
 * upload share the directory, but they have no metadata file, so they are never listed here.
 */
export class TusUploadDirectory {
  constructor(readonly directory: string) {}

  /** Lists the ids of the uploads that have a metadata file. */
  async listIds(): Promise<string[]> {
    const names = await readdir(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter((id) => UPLOAD_ID.test(id));
  }

  /** Reads the state of an upload's files, or returns null when neither file exists. */
  async inspect(id: string): Promise<TusUploadFiles | null> {
    const data = await statOrNull(this.dataPath(id));
    const metadata = await statOrNull(this.metadataPath(id));
    if (!data && !metadata) return null;

    return {
      id,
      declaredBytes: metadata ? await this.declaredBytes(id) : null,
      storedBytes: data?.size ?? null,
      lastWriteAt: (data ?? metadata)!.mtime,
    };
  }

  /** Removes an upload's data and metadata files; files that are already gone are no error. */
  async remove(id: string): Promise<void> {
    await rm(this.dataPath(id), { force: true });
    await rm(this.metadataPath(id), { force: true });
  }

  /** Absolute path of an upload's data file. */
  dataPath(id: string): string {
    if (!UPLOAD_ID.test(id)) throw new Error(`Invalid upload id "${id}"`);
    return path.join(this.directory, id);
  }

  private metadataPath(id: string): string {
    return `${this.dataPath(id)}.json`;
  }

  private async declaredBytes(id: string): Promise<number | null> {
    try {
      const parsed = JSON.parse(await readFile(this.metadataPath(id), 'utf8')) as { size?: unknown };
      return typeof parsed.size === 'number' ? parsed.size : null;
    } catch {
      return null;
    }
  }
}

async function statOrNull(file: string) {
  try {
    return await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
