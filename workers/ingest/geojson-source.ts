import { pipeline, Transform, type Readable } from 'node:stream';
import parser from 'stream-json/parser.js';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
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

const BATCH_SIZE = 1000;
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
    const features = pipeline(
      this.input,
      parser.asStream({ streamValues: false, maxDepth: MAX_DEPTH }),
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
        if (batch.length < BATCH_SIZE) continue;
        yield { firstFeature, features: batch, fraction: this.fraction() };
        firstFeature += batch.length;
        batch = [];
      }
    } catch (error) {
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
