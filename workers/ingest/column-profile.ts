import { MAX_TEXT_LENGTH } from './cell-converters.js';
import type { CellValue } from '../../common/api/samples.js';
import { geometryText } from '../../common/geometry-text.js';
import { parseCoordinate } from './coordinates.js';
import { MAX_EXCEL_SERIAL, MAX_EXCEL_SERIAL_1904, possibleOrders, readSeparatedDate, splitSeparatedDate } from './dates.js';
import { looksLikeGeometry } from '../../common/geometry-check.js';
import type { MissingValues } from './missing-values.js';
import { noShapeCounts, NUMBER_SHAPES, numberShape, PLAIN_NUMBERS, shapeMeaning, type NumberShape, type NumberStyle } from './numbers.js';
import { qualifiedShapeOf } from './qualifiers.js';
import { UnreadableCell } from './spreadsheet.js';
import { EPOCH_MS_MAX, EPOCH_MS_MIN, EPOCH_SECONDS_MAX, EPOCH_SECONDS_MIN, isCanonicalUtc, parseBasicIsoNumber, parseIsoTime } from './temporal.js';
import { looksLikeWkt, parseWkt } from './wkt.js';
import { MAX_NAME_LENGTH } from './row-normaliser.js';

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no']);
const MAX_EXAMPLES = 3;
const MAX_EXAMPLE_LENGTH = 200;

/** Counts of dates written with separators (03/04/2021), by the orders they can be read in. */
export interface SeparatedDateCounts {
  /** Year first (2021/04/03): one reading only. */
  yearFirst: number;
  /** Both day-first and month-first give a real date (03/04/2021). */
  either: number;
  /** Only day-first does (13/04/2021). */
  dayFirst: number;
  /** Only month-first does (04/13/2021). */
  monthFirst: number;
}

const noSeparatedDates = (): SeparatedDateCounts => ({ yearFirst: 0, either: 0, dayFirst: 0, monthFirst: 0 });

/**
 * Counts what the values of one column look like, over the whole column, so its type can be
 * inferred after one pass without keeping the values. Numbers are counted by shape, because the
 * file's decimal mark and digit groups are only decided at the end of the pass. For the same
 * reason, dates written with separators are counted by the orders they allow.
 */
export class ColumnProfile {
  /** Values that are not missing. */
  present = 0;
  /** Empty cells and cells holding a missing-value code. */
  missing = 0;
  /** Sheet cells whose value cannot be read (UnreadableCell), except errors whose code is a missing-value code; each becomes an issue. */
  unreadable = 0;
  /** Missing-value codes other than the empty cell, with how often each occurred. */
  readonly missingCodes = new Map<string, number>();
  readonly shapes = noShapeCounts();
  /** Values such as "<0.01" or ">10000", by the shape of their number. */
  readonly qualifiedShapes = noShapeCounts();
  /** Values such as "BDL" that name a detection limit without a number. */
  qualifiedWithoutNumber = 0;
  /** The first qualified value of each number shape as written, so that one reads in whichever style the file has. */
  readonly qualifiedTexts = new Map<NumberShape | 'bdl', string>();
  booleans = 0;
  isoDates = 0;
  isoDateTimes = 0;
  readonly separatedDates = noSeparatedDates();
  readonly separatedDateTimes = noSeparatedDates();
  /** Integers that read as plausible epoch milliseconds. */
  epochMs = 0;
  /** Integers that read as plausible epoch seconds. */
  epochSeconds = 0;
  /** Integers that read as ISO 8601 basic dates (20230601) and date-times (202306011230). */
  basicDates = 0;
  basicDateTimes = 0;
  /** Numbers that are plausible Excel serial dates (1 to 2,958,465). */
  excelSerials = 0;
  /** Numbers from 60 to below 61: in Excel's 1900 date system, the 29 February 1900 that never was. */
  excelLeapDays = 0;
  /** Serials that lie after 9999 in Excel's 1904 date system. */
  excelSerialsPast1904 = 0;
  /** Objects whose type names a GeoJSON geometry, among the structured values. */
  geometries = 0;
  /** Objects and arrays (GeoJSON properties only). */
  structured = 0;
  /** Well-Known Text geometries, and the SRIDs their EWKT prefixes named. */
  wkt = 0;
  readonly wktSrids = new Set<number>();
  /** Coordinates in degrees and minutes (ddm), with seconds (dms), or decimal with a hemisphere letter. */
  ddm = 0;
  dms = 0;
  letteredDecimal = 0;
  /** Hemisphere letters seen: N or S marks a latitude, E or W a longitude. */
  latitudeLetters = 0;
  longitudeLetters = 0;
  /** Coordinates whose minus sign disagrees with their letter ("-12.5 N"). */
  signConflicts = 0;
  /** Plain numbers outside -90..90 and -180..180, above 180 (0 to 360 longitudes) and below 0. */
  outsideLatitude = 0;
  outsideLongitude = 0;
  above180 = 0;
  negative = 0;
  /** Present texts by shape, for the shapes of missing-value codes with letters (see MissingValues.codeShapeOf). */
  readonly codeShapes = new Map<string, number>();
  /** Present values longer than a sample name may be (MAX_NAME_LENGTH), and longer than a text cell may be (MAX_TEXT_LENGTH). */
  longerThanName = 0;
  longerThanText = 0;
  /** The first few values as written, for the proposed mapping. */
  readonly examples: string[] = [];

  constructor(private readonly missingValues: MissingValues) {}

  /** Returns the counts of this profile as plain data, which a worker thread can post. */
  snapshot(): ProfileSnapshot {
    const { missingValues: _missingValues, ...counts } = this;
    return counts;
  }

  /**
   * Adds the counts of a profile of later rows of the same column: numbers and counts by key add
   * up, sets join, and texts kept from the first rows (examples, the first qualified value of a
   * shape) stay first.
   */
  merge(later: ProfileSnapshot): void {
    const own = this as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(later)) {
      const mine = own[key];
      if (typeof value === 'number') own[key] = (mine as number) + value;
      else if (value instanceof Set) for (const item of value) (mine as Set<unknown>).add(item);
      else if (value instanceof Map) mergeMap(mine as Map<unknown, unknown>, value);
      else if (Array.isArray(value)) (mine as unknown[]).push(...value.slice(0, MAX_EXAMPLES - (mine as unknown[]).length));
      else addCounts(mine as Record<string, number>, value as Record<string, number>);
    }
  }

  /** Counts one cell value. */
  observe(value: unknown): void {
    if (typeof value === 'string') {
      this.observeText(value);
      return;
    }
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
      this.missing += 1;
      return;
    }
    if (typeof value === 'number') {
      if (this.missingValues.isMissingNumber(value)) {
        this.countMissingCode(String(value));
        return;
      }
      this.countPresent(value);
      // A GeoJSON number too large for a double arrives as Infinity: it fits no numeric type.
      if (!Number.isFinite(value)) return;
      this.shapes[Number.isSafeInteger(value) ? 'int' : 'dot'] += 1;
      this.countRange(value, Number.isSafeInteger(value));
      return;
    }
    if (typeof value === 'boolean') {
      this.countPresent(value);
      this.booleans += 1;
      return;
    }
    if (value instanceof UnreadableCell) {
      this.observeUnreadable(value);
      return;
    }
    const json = JSON.stringify(value);
    // A shape shows in the review as the table describes it, since its GeoJSON would be cut off mid-number.
    this.countPresent(geometryText(value as CellValue) || json);
    this.countLength(json);
    this.structured += 1;
    if (looksLikeGeometry(value)) this.geometries += 1;
  }

  private observeText(text: string): void {
    const trimmed = hasOuterSpace(text) ? text.trim() : text;
    if (this.missingValues.isMissingText(trimmed)) {
      if (trimmed === '') this.missing += 1;
      else this.countMissingCode(trimmed);
      return;
    }
    this.countPresent(trimmed);
    this.countLength(trimmed);
    const codeShape = this.missingValues.codeShapeOf(trimmed);
    if (codeShape !== null) this.codeShapes.set(codeShape, (this.codeShapes.get(codeShape) ?? 0) + 1);

    const shape = numberShape(trimmed);
    if (shape !== null) {
      this.shapes[shape] += 1;
      if (shape === 'int' || shape === 'dot') this.countRange(Number(trimmed), shape === 'int');
      else if (shape === 'comma') this.countRange(Number(trimmed.replace(',', '.')), false);
      return;
    }
    const qualified = qualifiedShapeOf(trimmed);
    if (qualified !== null) {
      if (!this.qualifiedTexts.has(qualified)) this.qualifiedTexts.set(qualified, trimmed.slice(0, MAX_EXAMPLE_LENGTH));
      if (qualified === 'bdl') this.qualifiedWithoutNumber += 1;
      else this.qualifiedShapes[qualified] += 1;
      return;
    }
    if (trimmed.length <= 5 && BOOLEAN_WORDS.has(trimmed.toLowerCase())) {
      this.booleans += 1;
      return;
    }
    if (this.observeTime(trimmed)) return;
    if (this.observeCoordinate(trimmed)) return;
    if (looksLikeWkt(trimmed)) this.observeWkt(trimmed);
  }

  /** Counts an unreadable cell as no value, so it does not change the column's type. */
  private observeUnreadable(cell: UnreadableCell): void {
    if (cell.kind === 'error' && this.missingValues.isMissingText(cell.text)) {
      this.countMissingCode(cell.text);
      return;
    }
    this.unreadable += 1;
  }

  private observeTime(trimmed: string): boolean {
    if (isCanonicalUtc(trimmed)) {
      this.isoDateTimes += 1;
      return true;
    }
    const time = parseIsoTime(trimmed);
    if (time) {
      if (time.hasTime) this.isoDateTimes += 1;
      else this.isoDates += 1;
      return true;
    }

    const separated = splitSeparatedDate(trimmed);
    if (!separated) return false;
    const counts = separated.hour === null ? this.separatedDates : this.separatedDateTimes;
    if (separated.yearFirst) {
      if (readSeparatedDate(separated, 'ymd') === null) return false;
      counts.yearFirst += 1;
      return true;
    }
    const { dmy, mdy } = possibleOrders(separated);
    if (dmy && mdy) counts.either += 1;
    else if (dmy) counts.dayFirst += 1;
    else if (mdy) counts.monthFirst += 1;
    return dmy || mdy;
  }

  private observeCoordinate(trimmed: string): boolean {
    // Only texts with a digit first or a hemisphere letter first can be coordinates; words are skipped cheaply.
    const first = trimmed.charCodeAt(0) | 0x20;
    const digitFirst = (first >= 48 && first <= 57) || first === 0x2d || first === 0x2b;
    if (!digitFirst && first !== 0x6e && first !== 0x73 && first !== 0x65 && first !== 0x77) return false;

    const coordinate = parseCoordinate(trimmed, PLAIN_NUMBERS);
    if (!coordinate || coordinate.notation === 'decimal' && coordinate.hemisphere === null) return false;
    if (coordinate.notation === 'dms') this.dms += 1;
    else if (coordinate.notation === 'ddm') this.ddm += 1;
    else this.letteredDecimal += 1;
    if (coordinate.hemisphere === 'N' || coordinate.hemisphere === 'S') this.latitudeLetters += 1;
    else if (coordinate.hemisphere !== null) this.longitudeLetters += 1;
    if (coordinate.conflict) this.signConflicts += 1;
    return true;
  }

  private observeWkt(trimmed: string): void {
    const parsed = parseWkt(trimmed);
    if (!parsed) return;
    this.wkt += 1;
    if (parsed.srid !== null) this.wktSrids.add(parsed.srid);
  }

  /** Counts a present value; only the first few become text, as examples. */
  private countPresent(example: string | number | boolean): void {
    this.present += 1;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(String(example).slice(0, MAX_EXAMPLE_LENGTH));
  }

  private countLength(text: string): void {
    if (text.length <= MAX_NAME_LENGTH) return;
    this.longerThanName += 1;
    if (text.length > MAX_TEXT_LENGTH) this.longerThanText += 1;
  }

  private countMissingCode(code: string): void {
    this.missing += 1;
    this.missingCodes.set(code, (this.missingCodes.get(code) ?? 0) + 1);
  }

  private countRange(value: number, isInteger: boolean): void {
    if (isInteger && value >= EPOCH_MS_MIN && value < EPOCH_MS_MAX) this.epochMs += 1;
    if (isInteger && value >= EPOCH_SECONDS_MIN && value < EPOCH_SECONDS_MAX) this.epochSeconds += 1;
    const basic = isInteger ? parseBasicIsoNumber(value) : null;
    if (basic !== null) this[basic.hasTime ? 'basicDateTimes' : 'basicDates'] += 1;
    if (value >= 1 && value <= MAX_EXCEL_SERIAL) this.excelSerials += 1;
    if (value >= 60 && value < 61) this.excelLeapDays += 1;
    if (value >= MAX_EXCEL_SERIAL_1904 + 1 && value <= MAX_EXCEL_SERIAL) this.excelSerialsPast1904 += 1;
    if (value < -90 || value > 90) this.outsideLatitude += 1;
    if (value < -180 || value > 180) this.outsideLongitude += 1;
    if (value > 180 && value <= 360) this.above180 += 1;
    if (value < 0) this.negative += 1;
  }

  /** Values such as "<0.01", ">10000" or "BDL", in any number style. */
  get qualified(): number {
    return NUMBER_SHAPES.reduce((sum, shape) => sum + this.qualifiedShapes[shape], this.qualifiedWithoutNumber);
  }

  /** Counts the qualified values the load reads in a number style: those without a number and those whose number fits the style. */
  qualifiedIn(style: NumberStyle): number {
    return NUMBER_SHAPES.reduce((sum, shape) => sum + (shapeMeaning(shape, style) === null ? 0 : this.qualifiedShapes[shape]), this.qualifiedWithoutNumber);
  }

  /** Coordinates written in degrees with minutes or seconds, or with a hemisphere letter. */
  get sexagesimal(): number {
    return this.ddm + this.dms + this.letteredDecimal;
  }
}

function hasOuterSpace(text: string): boolean {
  if (text.length === 0) return false;
  return text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32;
}

/** The counts of a column profile without its settings, as ColumnProfile.snapshot returns them. */
export type ProfileSnapshot = Omit<ColumnProfile, 'snapshot' | 'merge' | 'observe' | 'qualifiedIn' | 'qualified' | 'sexagesimal'>;

/** Adds counts by key, or keeps the first text for a key, as the map holds. */
function mergeMap(mine: Map<unknown, unknown>, later: Map<unknown, unknown>): void {
  for (const [key, value] of later) {
    const current = mine.get(key);
    if (typeof value === 'number') mine.set(key, ((current as number | undefined) ?? 0) + value);
    else if (current === undefined) mine.set(key, value);
  }
}

function addCounts(mine: Record<string, number>, later: Record<string, number>): void {
  for (const [key, value] of Object.entries(later)) mine[key] = (mine[key] ?? 0) + value;
}
