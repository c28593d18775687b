import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipArchive, ZipArchiveError } from '../../workers/ingest/zip-archive.js';

const CENTRAL_DIRECTORY_SIGNATURE = 0x02014b50;
const TEXT = 'name,depth\n' + Array.from({ length: 200 }, (_, index) => `S-${index},${index * 1.5}`).join('\n');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fairport-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a deflated one-entry archive, lets `patch` change its bytes, and opens it. */
async function archive(patch: (bytes: Uint8Array) => void = () => {}): Promise<ZipArchive> {
  const bytes = zipSync({ 'table.csv': new TextEncoder().encode(TEXT) }, { level: 6 });
  patch(bytes);
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.zip`);
  await writeFile(file, bytes);
  return ZipArchive.open(file);
}

async function readAll(zip: ZipArchive): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await zip.openStream('table.csv')) chunks.push(chunk as Buffer);
  } finally {
    zip.close();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sets the uncompressed size the central directory declares for the only entry. */
function declareSize(size: number) {
  return (bytes: Uint8Array) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = bytes.length - 22; offset >= 0; offset -= 1) {
      if (view.getUint32(offset, true) === CENTRAL_DIRECTORY_SIGNATURE) {
        view.setUint32(offset + 24, size, true);
        return;
      }
    }
    throw new Error('no central directory entry');
  };
}

describe('ZipArchive inflating entries', () => {
  it('returns the entry text unchanged', async () => {
    expect(await readAll(await archive())).toBe(TEXT);
  });

  it('rejects an entry that unpacks to more than it declares', async () => {
    const read = readAll(await archive(declareSize(100)));
    await expect(read).rejects.toThrow(ZipArchiveError);
    await expect(readAll(await archive(declareSize(100)))).rejects.toThrow('"table.csv" in the archive cannot be unpacked (too many bytes in the stream: more than the 100 it declares); the archive is damaged');
  });

  it('rejects an entry that unpacks to fewer bytes than it declares', async () => {
    await expect(readAll(await archive(declareSize(TEXT.length + 50)))).rejects.toThrow(
      `"table.csv" in the archive cannot be unpacked (too few bytes in the stream: ${TEXT.length} of the ${TEXT.length + 50} it declares); the archive is damaged`,
    );
  });

  it('rejects bytes that do not match the CRC-32', async () => {
    const wrongChecksum = (bytes: Uint8Array) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let offset = bytes.length - 22; offset >= 0; offset -= 1) {
        if (view.getUint32(offset, true) === CENTRAL_DIRECTORY_SIGNATURE) {
          view.setUint32(offset + 16, view.getUint32(offset + 16, true) ^ 1, true);
          return;
        }
      }
    };
    await expect(readAll(await archive(wrongChecksum))).rejects.toThrow('"table.csv" in the archive cannot be unpacked (its CRC-32 checksum does not match the bytes); the archive is damaged');
  });

  it('rejects two entries with one name', async () => {
    const bytes = Buffer.from(zipSync({ 'a.csv': new TextEncoder().encode('x\n1\n'), 'b.csv': new TextEncoder().encode('x\n2\n') }));
    // The second name appears in its local header and in the central directory; both become "a.csv".
    let at = bytes.indexOf('b.csv');
    while (at >= 0) {
      bytes.write('a.csv', at);
      at = bytes.indexOf('b.csv', at + 1);
    }
    const file = path.join(dir, 'duplicate.zip');
    await writeFile(file, bytes);
    await expect(ZipArchive.open(file)).rejects.toThrow('the archive contains two files named "a.csv", so it is not clear which one to read; pack the files again with one of each');
  });

  it('rejects damaged compressed data', async () => {
    const damage = (bytes: Uint8Array) => {
      // The local header is 30 bytes plus the 9-byte name; the deflate stream starts after it.
      for (let offset = 40; offset < 60; offset += 1) bytes[offset] = 0xff;
    };
    await expect(readAll(await archive(damage))).rejects.toThrow(/^"table.csv" in the archive cannot be unpacked \(.+\); the archive is damaged$/);
  });
});
