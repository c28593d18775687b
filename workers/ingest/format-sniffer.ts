import type { TextEncodingName } from '../../common/api/imports.js';
import { decodeSample, detectEncoding } from './text-decoding.js';

/** What the first bytes of a file say it is. */
export type SniffResult =
  | { kind: 'zip' }
  | { kind: 'text'; format: 'csv' | 'geojson'; encoding: TextEncodingName; sample: string }
  | { kind: 'empty' }
  | { kind: 'rejected'; reason: string };

const SAVE_AS = 'export the data as CSV, XLSX, ODS or GeoJSON and upload that file';

// A ZIP archive starts with the local header of its first entry or, when it has no entries, with
// the end of its central directory.
const ZIP_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
];
// Signatures of binary formats people upload by mistake, with what to tell them.
const SIGNATURES: { bytes: number[]; name: string }[] = [
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], name: 'an old Office document (such as an Excel 97-2003 .xls workbook)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], name: 'a PDF document' },
  { bytes: [0x1f, 0x8b], name: 'a gzip-compressed file' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { bytes: [0x50, 0x41, 0x52, 0x31], name: 'a Parquet file' },
  { bytes: [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], name: 'an Arrow file' },
];

/**
 * Decides from the first bytes of a file (up to ENCODING_SAMPLE_BYTES) whether it is a ZIP
 * container (XLSX, ODS or an archive), a CSV table or GeoJSON and in which text encoding, or
 * something the portal cannot load. The content decides, not the file name: a `.csv` that
 * contains an HTML page is rejected, and a `.txt` containing GeoJSON is read as GeoJSON.
 */
export function sniffFormat(head: Buffer): SniffResult {
  if (head.length === 0) return { kind: 'empty' };
  if (ZIP_SIGNATURES.some((signature) => signature.every((byte, index) => head[index] === byte))) return { kind: 'zip' };
  const signature = SIGNATURES.find(({ bytes }) => bytes.every((byte, index) => head[index] === byte));
  if (signature) return { kind: 'rejected', reason: `The file is ${signature.name}, not a table; ${SAVE_AS}.` };

  const guess = detectEncoding(head);
  if ('binary' in guess) return { kind: 'rejected', reason: `The file is binary, not CSV or GeoJSON text; ${SAVE_AS}.` };
  const text = decodeSample(head, guess.encoding);
  if (controlCharacterShare(text) > 0.01) return { kind: 'rejected', reason: `The file is binary, not CSV or GeoJSON text; ${SAVE_AS}.` };

  const start = text.trimStart();
  if (start === '') return { kind: 'empty' };
  if (start.startsWith('<')) return { kind: 'rejected', reason: `The file is an HTML or XML document, not a table; ${SAVE_AS}.` };
  const format = start.startsWith('{') || start.startsWith('[') ? 'geojson' : 'csv';
  return { kind: 'text', format, encoding: guess.encoding, sample: text };
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
