import type { ImportFormat } from '../../common/api/imports.js';

/** Text encodings the worker can read, named as Node.js names them. */
export type TextEncoding = 'utf8' | 'latin1' | 'utf16le';

/** What the first bytes of a file say it is. */
export type SniffResult =
  | { kind: 'table'; format: ImportFormat; encoding: TextEncoding; sample: string }
  | { kind: 'empty' }
  | { kind: 'rejected'; reason: string };

/** How many bytes from the start of a file the sniffer looks at. */
export const SNIFF_BYTES = 64 * 1024;

const SAVE_AS = 'export the data as CSV (UTF-8) or GeoJSON and upload that file';

// Signatures of binary formats people upload by mistake, with what to tell them.
const SIGNATURES: { bytes: number[]; name: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], name: 'a ZIP archive (an Excel .xlsx workbook is one)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], name: 'an old Office document (such as an Excel .xls workbook)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], name: 'a PDF document' },
  { bytes: [0x1f, 0x8b], name: 'a gzip-compressed file' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { bytes: [0x50, 0x41, 0x52, 0x31], name: 'a Parquet file' },
  { bytes: [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], name: 'an Arrow file' },
];

/**
 * Decides from the first bytes of a file whether it is a CSV table or GeoJSON, in which text
 * encoding, or something the portal cannot load. The content decides, not the file name: a
 * `.csv` that contains an HTML page is rejected, and a `.txt` containing GeoJSON is read as GeoJSON.
 */
export function sniffFormat(head: Buffer): SniffResult {
  const signature = SIGNATURES.find(({ bytes }) => bytes.every((byte, index) => head[index] === byte));
  if (signature) return { kind: 'rejected', reason: `The file is ${signature.name}, not CSV or GeoJSON; ${SAVE_AS}.` };

  const decoded = decodeHead(head);
  if ('reason' in decoded) return { kind: 'rejected', reason: decoded.reason };

  const text = decoded.text.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start === '') return { kind: 'empty' };

  if (start.startsWith('<')) {
    return { kind: 'rejected', reason: `The file is an HTML or XML document, not CSV or GeoJSON; ${SAVE_AS}.` };
  }
  const format: ImportFormat = start.startsWith('{') || start.startsWith('[') ? 'geojson' : 'csv';
  return { kind: 'table', format, encoding: decoded.encoding, sample: text };
}

function decodeHead(head: Buffer): { text: string; encoding: TextEncoding } | { reason: string } {
  if (head[0] === 0xff && head[1] === 0xfe) return { text: head.subarray(2).toString('utf16le'), encoding: 'utf16le' };
  if (head[0] === 0xfe && head[1] === 0xff) {
    return { reason: 'The file is UTF-16 big-endian text, which the portal cannot read; save it as UTF-8 and upload it again.' };
  }
  if (head.includes(0)) return { reason: `The file is binary, not CSV or GeoJSON text; ${SAVE_AS}.` };

  const utf8 = tryUtf8(head);
  const text = utf8 ?? head.toString('latin1');
  if (controlCharacterShare(text) > 0.01) return { reason: `The file is binary, not CSV or GeoJSON text; ${SAVE_AS}.` };
  // NOTE: a file that is valid UTF-8 in its first 64 KiB but not later is read as UTF-8, and the
  // invalid bytes further on become U+FFFD replacement characters.
  return { text, encoding: utf8 === null ? 'latin1' : 'utf8' };
}

function tryUtf8(head: Buffer): string | null {
  try {
    // `stream: true` tolerates a character cut off at the end of the sample.
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return null;
  }
}

function controlCharacterShare(text: string): number {
  let control = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    // Tab, line feed, form feed and carriage return belong in text files.
    if (code < 32 && code !== 9 && code !== 10 && code !== 12 && code !== 13) control += 1;
  }
  return text.length === 0 ? 0 : control / text.length;
}
