import { pipeline, Transform, type Readable } from 'node:stream';
import parser from 'stream-json/parser.js';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { MAX_ROW_CHARS } from './sheet-xml-scanner.js';
import { storableText } from './text-decoding.js';

/** Consecutive features of a FeatureCollection, as parsed JSON values. */
export interface FeatureBatch {
  /** Index of the first feature of the batch in the collection. */
  firstFeature: number;
  features: unknown[];
  /** Share of the file read so far, 0 to 1. */
  fraction: number;
}

/** Raised when the file is not valid JSON, with the parser's own message. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

/**
 * Maximum characters of one feature's JSON (strings, names and numbers, plus one per other token),
 * the same limit as a row of CSV or sheet XML. A feature is assembled whole in memory: without the
 * limit, a LineString of two million positions (30 MB of JSON) exhausted the worker's 192 MiB heap.
 */
export const MAX_FEATURE_CHARS = MAX_ROW_CHARS;

/** Raised when one feature of the collection, or one string or number in the file, is longer than MAX_FEATURE_CHARS. */
export class FeatureTooLarge extends Error {
  override name = 'FeatureTooLarge';

  /** `feature` is the 1-based number of the feature, or null for a single string or number too long for any feature. */
  constructor(readonly feature: number | null) {
    const subject = feature === null ? 'The file has a string or number of' : `Feature ${feature} of the collection has`;
    super(
      `${subject} more than ${MAX_FEATURE_CHARS.toLocaleString('en')} characters of JSON, more than the portal reads in one feature. ` +
        'Simplify its geometry or split it into several features, and upload the file again.',
    );
  }
}

const BATCH_SIZE = 1000;
/** Characters of features after which a batch is handed on even when it has fewer than BATCH_SIZE features. */
const BATCH_CHARS = 4 * 1024 * 1024;
// A feature nested deeper than this is malformed or hostile; real geometries need about 6 levels.
const MAX_DEPTH = 64;

/**
 * Streams the `features` array of a GeoJSON FeatureCollection with stream-json, one feature in
 * memory at a time, and records the collection's `type` member on the way. Read `rootType` after
 * the batches are exhausted: members may come in any order, so only then is it known. The input
 * must deliver strings, as the streams of openTextInput do.
 */
export class FeatureCollectionReader {
  /** The `type` member of the top-level object, or null when there was none. */
  rootType: string | null = null;
  /** Whether the top-level object had a `features` member. */
  hasFeatures = false;
  /** The name in a `crs` member (GeoJSON 2008), such as "urn:ogc:def:crs:EPSG::2056"; null when there is none. */
  crsName: string | null = null;

  constructor(
    private readonly input: Readable,
    private readonly fraction: () => number,
  ) {}

  /** Yields the features in batches; throws JsonSyntaxError when the file is not valid JSON. */
  async *batches(): AsyncGenerator<FeatureBatch> {
    const picker = pick.asStream({
      filter: (stack, token) => this.inspectTopLevel(stack, token),
      maxDepth: MAX_DEPTH,
    });
    const sizes = new FeatureSizeLimit();
    const features = pipeline(
      this.input,
      literalLengthLimit(),
      parser.asStream({ streamValues: false, maxDepth: MAX_DEPTH }),
      sizes.stream(),
      picker,
      streamArray.asStream(),
      () => {
        // Errors reach the loop below through the destroyed last stream.
      },
    );

    let batch: unknown[] = [];
    let firstFeature = 0;
    try {
      for await (const item of features as AsyncIterable<{ key: number; value: unknown }>) {
        batch.push(item.value);
        if (batch.length < BATCH_SIZE && sizes.charsSinceTake < BATCH_CHARS) continue;
        sizes.charsSinceTake = 0;
        yield { firstFeature, features: batch, fraction: this.fraction() };
        firstFeature += batch.length;
        batch = [];
      }
    } catch (error) {
      if (error instanceof FeatureTooLarge) throw error;
      throw new JsonSyntaxError(error instanceof Error ? error.message : String(error));
    } finally {
      this.input.destroy();
    }
    if (batch.length > 0) yield { firstFeature, features: batch, fraction: this.fraction() };
  }

  private inspectTopLevel(stack: readonly (string | number | null)[], token: { name: string; value?: unknown }): boolean {
    if (stack.length === 3 && stack[0] === 'crs' && stack[1] === 'properties' && stack[2] === 'name' && token.name === 'stringValue') {
      this.crsName = String(token.value);
    }
    if (stack.length !== 1) return false;
    if (stack[0] === 'type' && token.name === 'stringValue') this.rootType = String(token.value);
    if (stack[0] !== 'features') return false;
    this.hasFeatures = true;
    return true;
  }
}

/**
 * Counts the characters of each element of the top-level `features` array as its tokens stream
 * past (the length of each string, name and number, and one for any other token), and fails with
 * FeatureTooLarge when one exceeds MAX_FEATURE_CHARS. It also makes each string storable (see
 * storableToken), which saves a stream stage per token.
 */
class FeatureSizeLimit {
  /** Characters of features counted since the reader last reset this. */
  charsSinceTake = 0;
  private depth = 0;
  private rootKey: string | null = null;
  private feature = 0;
  private featureChars = 0;

  stream(): Transform {
    return new Transform({
      objectMode: true,
      transform: (token: { name: string; value?: unknown }, _encoding, next) => {
        try {
          this.count(token);
          next(null, storableToken(token));
        } catch (error) {
          next(error as Error);
        }
      },
    });
  }

  private count(token: { name: string; value?: unknown }): void {
    const { name } = token;
    if (name === 'startObject' || name === 'startArray') this.depth += 1;
    const inFeature = this.rootKey === 'features' && this.depth >= 3;
    if (name === 'endObject' || name === 'endArray') this.depth -= 1;
    if (name === 'keyValue' && this.depth === 1) this.rootKey = String(token.value);
    if (this.rootKey === 'features' && this.depth === 2 && SCALAR_VALUES.has(name)) this.feature += 1;
    if (!inFeature) return;

    const chars = typeof token.value === 'string' ? token.value.length : 1;
    this.featureChars += chars;
    this.charsSinceTake += chars;
    if (this.featureChars > MAX_FEATURE_CHARS) throw new FeatureTooLarge(this.feature + 1);
    if (this.depth === 2) {
      this.feature += 1;
      this.featureChars = 0;
    }
  }
}

const SCALAR_VALUES = new Set(['stringValue', 'numberValue', 'nullValue', 'trueValue', 'falseValue']);

/**
 * Fails with FeatureTooLarge when one string or number of the JSON text is longer than
 * MAX_FEATURE_CHARS. The parser assembles each string and number whole before FeatureSizeLimit
 * counts it, so without this a single huge string would fill the heap first. It scans the text as
 * it goes to the parser: quotes (not escaped) start and end strings, and numbers are runs of the
 * characters a JSON number may contain outside strings.
 */
function literalLengthLimit(): Transform {
  let inString = false;
  let escaped = false;
  let run = 0;
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(text: string, _encoding, next) {
      for (let index = 0; index < text.length; index += 1) {
        const code = text.charCodeAt(index);
        if (inString) {
          if (escaped) escaped = false;
          else if (code === BACKSLASH) escaped = true;
          else if (code === QUOTE) inString = false;
          run += 1;
        } else if (code === QUOTE) {
          inString = true;
          run = 0;
        } else if (isNumberCharacter(code)) run += 1;
        else run = 0;
        if (run > MAX_FEATURE_CHARS) return next(new FeatureTooLarge(null));
      }
      next(null, text);
    },
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Digits, "-", "+", "." and "e" or "E": the characters of a JSON number. */
function isNumberCharacter(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2b || code === 0x2e || code === 0x65 || code === 0x45;
}

/**
 * Replaces NUL and unpaired surrogates in a parsed string or member name with U+FFFD. JSON may
 * write them as `\u0000` and `\ud800`, but PostgreSQL's jsonb cannot store them, so a mapping or a
 * row with one would fail to save. CSV text and sheet XML replace them the same way.
 */
function storableToken(token: { name: string; value?: unknown }): { name: string; value?: unknown } {
  const { value } = token;
  if (typeof value !== 'string') return token;
  const storable = storableText(value);
  return storable === value ? token : { ...token, value: storable };
}
