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

/** Raised when one feature of the collection is longer than MAX_FEATURE_CHARS. */
export class FeatureTooLarge extends Error {
  override name = 'FeatureTooLarge';

  constructor(readonly feature: number) {
    super(
      `Feature ${feature} of the collection has more than ${MAX_FEATURE_CHARS.toLocaleString('en')} characters of JSON, more than the portal reads in one feature. ` +
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
 * the batches are exhausted: members may come in any order, so only then is it known.
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
    // Values are streamed in chunks, so the size limit stops a huge string or number before the
    // parser has assembled it. The limit passes on only the assembled values.
    const features = pipeline(
      this.input,
      parser.asStream({ streamValues: true, maxDepth: MAX_DEPTH }),
      sizes.stream(),
      storableStrings(),
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
 * past, and fails with FeatureTooLarge when one exceeds MAX_FEATURE_CHARS. It drops the chunk
 * tokens of strings, names and numbers after counting them, so the streams after it see only
 * assembled values, as with `streamValues: false`.
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
          next(null, this.count(token) ? token : undefined);
        } catch (error) {
          next(error as Error);
        }
      },
    });
  }

  /** Counts one token; returns whether it is passed on. */
  private count(token: { name: string; value?: unknown }): boolean {
    const { name } = token;
    if (name === 'startObject' || name === 'startArray') this.depth += 1;
    const inFeature = this.rootKey === 'features' && this.depth >= 3;
    if (name === 'endObject' || name === 'endArray') this.depth -= 1;
    if (name === 'keyValue' && this.depth === 1) this.rootKey = String(token.value);

    const chunk = name === 'stringChunk' || name === 'numberChunk';
    if (this.rootKey === 'features' && this.depth === 2 && SCALAR_VALUES.has(name)) this.feature += 1;
    if (inFeature) {
      this.featureChars += chunk ? (token.value as string).length : 1;
      this.charsSinceTake += chunk ? (token.value as string).length : 1;
      if (this.featureChars > MAX_FEATURE_CHARS) throw new FeatureTooLarge(this.feature + 1);
      if (this.depth === 2) {
        this.feature += 1;
        this.featureChars = 0;
      }
    }
    return !chunk && !CHUNK_MARKS.has(name);
  }
}

const SCALAR_VALUES = new Set(['stringValue', 'numberValue', 'nullValue', 'trueValue', 'falseValue']);
const CHUNK_MARKS = new Set(['startString', 'endString', 'startKey', 'endKey', 'startNumber', 'endNumber']);

/**
 * Replaces NUL and unpaired surrogates in the parsed strings and member names with U+FFFD. JSON may
 * write them as `\u0000` and `\ud800`, but PostgreSQL's jsonb cannot store them, so a mapping or a
 * row with one would fail to save. CSV text and sheet XML replace them the same way.
 */
function storableStrings(): Transform {
  return new Transform({
    objectMode: true,
    transform(token: { name: string; value?: unknown }, _encoding, next) {
      const { value } = token;
      if (typeof value !== 'string') return next(null, token);
      const storable = storableText(value);
      next(null, storable === value ? token : { ...token, value: storable });
    },
  });
}
