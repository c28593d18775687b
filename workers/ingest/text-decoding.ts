import { Transform, type Readable } from 'node:stream';
import iconv from 'iconv-lite';
import type { TextEncodingName } from '../../common/api/imports.js';

/** Bytes from the start of a file that the encoding is judged on. */
export const ENCODING_SAMPLE_BYTES = 1024 * 1024;

/** Raised when a file judged UTF-8 from its sample turns out to have bytes that are not UTF-8 further on. */
export class NotUtf8Error extends Error {
  override name = 'NotUtf8Error';
}

/** The encoding of a text sample, or why the sample is not text. */
export type EncodingGuess = { encoding: TextEncodingName; bom: boolean } | { binary: true };

/**
 * Judges the text encoding of a file from its first bytes: a byte order mark decides; UTF-16
 * without one shows as zero bytes in every other position; otherwise the sample is UTF-8 when it
 * decodes as UTF-8 and Windows-1252 (the superset of Latin-1 that Excel writes on Western Windows)
 * when it does not. A file with zero bytes in it that is not UTF-16 is binary.
 */
export function detectEncoding(sample: Buffer): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true };

  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bom: false };
  if (sample.includes(0)) return { binary: true };
  return { encoding: isUtf8(sample) ? 'utf-8' : 'windows-1252', bom: false };
}

/** Decodes a sample of a file for sniffing; a character cut off at the end is dropped. */
export function decodeSample(sample: Buffer, encoding: TextEncodingName): string {
  const text = iconv.getDecoder(encoding).write(sample);
  return text.replace(/^\uFEFF/, '');
}

/**
 * Decodes a byte stream to text. UTF-8 is decoded strictly, so a file that only looked like UTF-8
 * in its sample fails with NotUtf8Error instead of turning bytes into U+FFFD; the analysis then
 * reads it again as Windows-1252. A byte order mark is dropped. PostgreSQL cannot store NUL or an
 * unpaired UTF-16 surrogate, so each becomes U+FFFD, as in sheet XML. The sample's check for zero
 * bytes rejects most binary files before this, but a NUL can still come after the sample.
 */
export function decodeStream(input: Readable, encoding: TextEncodingName): Readable {
  const decode = textDecoderFor(encoding);
  const decoder = new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, next) {
      try {
        const text = storableText(decode(chunk, false));
        next(null, text.length > 0 ? text : undefined);
      } catch (error) {
        next(error as Error);
      }
    },
    flush(next) {
      try {
        const text = storableText(decode(Buffer.alloc(0), true));
        next(null, text.length > 0 ? text : undefined);
      } catch (error) {
        next(error as Error);
      }
    },
  });
  decoder.setEncoding('utf8');
  input.on('error', (error) => decoder.destroy(error));
  return input.pipe(decoder);
}

/**
 * Makes a stream of text that Node's own UTF-8 decoder decoded storable, as decodeStream does (see
 * storableText).
 */
export function storableTextStream(input: Readable): Readable {
  const replacer = new Transform({
    decodeStrings: false,
    transform(chunk: string, _encoding, next) {
      next(null, storableText(chunk));
    },
  });
  replacer.setEncoding('utf8');
  input.on('error', (error) => replacer.destroy(error));
  return input.pipe(replacer);
}

function textDecoderFor(encoding: TextEncodingName): (chunk: Buffer, end: boolean) => string {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    return (chunk, end) => {
      try {
        return decoder.decode(chunk, { stream: !end });
      } catch {
        throw new NotUtf8Error('the file has bytes that are not UTF-8');
      }
    };
  }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // The WHATWG decoder turns an unpaired surrogate into U+FFFD and keeps a pair split between chunks.
    const decoder = new TextDecoder(encoding);
    return (chunk, end) => decoder.decode(chunk, { stream: !end });
  }
  const decoder = iconv.getDecoder(encoding);
  return (chunk, end) => (end ? (decoder.end() ?? '') : decoder.write(chunk));
}

/** NUL, or a UTF-16 surrogate that may be unpaired. */
const UNSTORABLE_CHARACTER = /[\u0000\uD800-\uDFFF]/;
/** An unpaired surrogate: a high one without a low one after it, or a low one without a high one before it. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces NUL and unpaired UTF-16 surrogates with U+FFFD, because PostgreSQL's text and jsonb
 * cannot store them. Surrogate pairs stay as they are.
 */
export function storableText(text: string): string {
  if (!UNSTORABLE_CHARACTER.test(text)) return text;
  return text.replaceAll('\u0000', '\uFFFD').replace(UNPAIRED_SURROGATE, '\uFFFD');
}

function utf16WithoutBom(sample: Buffer): TextEncodingName | null {
  const length = Math.min(sample.length, 4096) & ~1;
  if (length < 4) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let index = 0; index < length; index += 2) {
    if (sample[index] === 0) zeroEven += 1;
    if (sample[index + 1] === 0) zeroOdd += 1;
  }
  const pairs = length / 2;
  // Latin text in UTF-16 has a zero in the high byte of nearly every character.
  if (zeroOdd > pairs * 0.4 && zeroEven < pairs * 0.05) return 'utf-16le';
  if (zeroEven > pairs * 0.4 && zeroOdd < pairs * 0.05) return 'utf-16be';
  return null;
}

function isUtf8(sample: Buffer): boolean {
  try {
    // `stream: true` tolerates a character cut off at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}
