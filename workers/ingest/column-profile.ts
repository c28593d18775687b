import { isMissingText } from './missing-values.js';
import { numberShape } from './numbers.js';
import { parseQualified } from './qualifiers.js';
import { EPOCH_MS_MAX, EPOCH_MS_MIN, isCanonicalUtc, parseIsoTime } from './temporal.js';

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no']);
const MAX_EXAMPLES = 3;

/**
 * Counts what the values of one column look like, over the whole column, so its type can be
 * inferred after one pass without keeping the values. Feed it CSV text or GeoJSON property values.
 */
export class ColumnProfile {
  /** Values that are not missing. */
  present = 0;
  integers = 0;
  /** Numbers with a fraction or an exponent written with ".", and integers beyond 2^53. */
  decimals = 0;
  /** Numbers written with a decimal comma, such as "3,5". */
  decimalCommas = 0;
  /** Integers written with leading zeros, such as "007". */
  leadingZeros = 0;
  /** Values such as "<0.01", ">10000" or "BDL". */
  qualified = 0;
  booleans = 0;
  dates = 0;
  datetimes = 0;
  /** Integers that read as plausible epoch milliseconds. */
  epochMs = 0;
  /** Objects and arrays (GeoJSON properties only). */
  structured = 0;
  /** Plain numbers outside -90..90 and -180..180, for judging coordinate columns. */
  outsideLatitude = 0;
  outsideLongitude = 0;
  /** The first few values as written, for the proposed mapping. */
  readonly examples: string[] = [];

  /** Counts one cell value. */
  observe(value: unknown): void {
    if (typeof value === 'string') {
      this.observeText(value);
      return;
    }
    if (value === null || value === undefined) return;
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return;
      this.countPresent(String(value));
      this.countNumber(value, Number.isSafeInteger(value));
      return;
    }
    if (typeof value === 'boolean') {
      this.countPresent(String(value));
      this.booleans += 1;
      return;
    }
    this.countPresent(JSON.stringify(value));
    this.structured += 1;
  }

  private observeText(text: string): void {
    const trimmed = hasOuterSpace(text) ? text.trim() : text;
    if (isMissingText(trimmed)) return;
    this.countPresent(trimmed);

    const shape = numberShape(trimmed);
    if (shape === 'integer' || shape === 'decimal') {
      this.countNumber(Number(trimmed), shape === 'integer');
      return;
    }
    if (shape === 'decimal-comma') {
      this.decimalCommas += 1;
      return;
    }
    if (shape === 'leading-zero') {
      this.leadingZeros += 1;
      return;
    }
    if (parseQualified(trimmed) !== null) {
      this.qualified += 1;
      return;
    }
    if (trimmed.length <= 5 && BOOLEAN_WORDS.has(trimmed.toLowerCase())) {
      this.booleans += 1;
      return;
    }
    if (isCanonicalUtc(trimmed)) {
      this.datetimes += 1;
      return;
    }
    const time = parseIsoTime(trimmed);
    if (time?.hasTime === true) this.datetimes += 1;
    else if (time) this.dates += 1;
  }

  private countPresent(example: string): void {
    this.present += 1;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(example.slice(0, 200));
  }

  private countNumber(value: number, isInteger: boolean): void {
    if (isInteger) this.integers += 1;
    else this.decimals += 1;
    if (isInteger && value >= EPOCH_MS_MIN && value < EPOCH_MS_MAX) this.epochMs += 1;
    if (value < -90 || value > 90) this.outsideLatitude += 1;
    if (value < -180 || value > 180) this.outsideLongitude += 1;
  }
}

function hasOuterSpace(text: string): boolean {
  if (text.length === 0) return false;
  return text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32;
}
