import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * COPY data written to a file during the samples COPY, because one connection can run only one
 * COPY at a time. It is copied into its table once the samples exist. Chunks added between two
 * drains are written together.
 */
export class CopySpool {
  /** The records added so far. */
  records = 0;
  private out: ReturnType<typeof createWriteStream> | null = null;
  private pending: (string | Buffer)[] = [];

  /** `header` and `trailer` frame the data, as the binary COPY format needs. They are written only when a record was added. */
  constructor(
    readonly path: string,
    private readonly frame: { header: Buffer; trailer: Buffer } | null = null,
  ) {}

  add(chunk: string | Buffer, records: number): void {
    if (records === 0) return;
    if (this.records === 0 && this.frame) this.pending.push(this.frame.header);
    this.records += records;
    this.pending.push(chunk);
  }

  async drain(): Promise<void> {
    if (this.pending.length === 0) return;
    this.out ??= createWriteStream(this.path);
    const chunks = this.pending;
    this.pending = [];
    let ok = true;
    for (const chunk of chunks) ok = this.out.write(chunk);
    if (!ok) await once(this.out, 'drain');
  }

  /** Writes what is left and closes the file. Afterwards `path` can be read when `records` is above zero. */
  async close(): Promise<void> {
    if (this.records > 0 && this.frame) this.pending.push(this.frame.trailer);
    await this.drain();
    if (!this.out) return;
    this.out.end();
    await once(this.out, 'finish');
  }
}
