import type { CoordinateNotation } from '../../common/api/imports.js';
import { parseNumber, type NumberStyle } from './numbers.js';

/** A hemisphere letter: north and south for latitudes, east and west for longitudes. */
export type Hemisphere = 'N' | 'S' | 'E' | 'W';

/** A coordinate read from a cell. */
export interface ParsedCoordinate {
  /** Signed decimal degrees: south and west are negative. */
  degrees: number;
  notation: Exclude<CoordinateNotation, 'mixed'>;
  hemisphere: Hemisphere | null;
  /** True when a minus sign and the letter disagree, as in "-12.5 N". */
  conflict: boolean;
}

// Degrees, then optional minutes and seconds, with the symbols people and instruments write:
// 12°30'15.5"N, 12 30 15.5 N, S 12°30.25', 12d30m15s, 12:30:15. Primes may be typographic.
const SEXAGESIMAL =
  /^([NSEW])?\s*([+-])?\s*(\d{1,3}(?:[.,]\d+)?)\s*(?:°|º|d|deg|:|\s)\s*(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:'|′|’|m|min|:|\s)?\s*(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:"|″|”|''|′′|s|sec)?)?)?\s*([NSEW])?$/i;
// A decimal number with a degree sign or a hemisphere letter: 12.5°, 12.5 S, N 12.5.
const DECIMAL_WITH_LETTER = /^([NSEW])?\s*([+-]?\d{1,3}(?:[.,]\d+)?)\s*(?:°|º)?\s*([NSEW])?$/i;

/**
 * Reads a coordinate written in decimal degrees, degrees and decimal minutes, or degrees,
 * minutes and seconds, with or without a hemisphere letter before or after it. Returns null when
 * the text matches no notation or its minutes or seconds are 60 or more.
 */
export function parseCoordinate(trimmed: string, style: NumberStyle): ParsedCoordinate | null {
  const plain = parseNumber(trimmed, style);
  if (plain !== null) return { degrees: plain, notation: 'decimal', hemisphere: null, conflict: false };
  if (trimmed.length > 40) return null;

  const decimal = DECIMAL_WITH_LETTER.exec(trimmed);
  if (decimal) return withHemisphere(readNumber(decimal[2]!), 'decimal', decimal[1] ?? decimal[3]);

  const reading = readSexagesimal(trimmed);
  return reading !== null && 'coordinate' in reading ? reading.coordinate : null;
}

/**
 * Explains why a text written as degrees with minutes or seconds is no coordinate, such as
 * 47°02'60"N, or returns null when the text is not written so or is a coordinate.
 */
export function sexagesimalProblem(trimmed: string): string | null {
  const reading = trimmed.length > 40 ? null : readSexagesimal(trimmed);
  return reading !== null && 'problem' in reading ? reading.problem : null;
}

/** Reads degrees with minutes or seconds as a coordinate or as the reason it is not one, or returns null for other text. */
function readSexagesimal(trimmed: string): { coordinate: ParsedCoordinate } | { problem: string } | null {
  const match = SEXAGESIMAL.exec(trimmed);
  if (!match) return null;
  const [, before, sign, degreesText, minutesText, secondsText, after] = match;
  if (before && after) return { problem: 'it has a hemisphere letter at both ends' };

  const degrees = readNumber(degreesText!);
  const minutes = minutesText === undefined ? 0 : readNumber(minutesText);
  const seconds = secondsText === undefined ? 0 : readNumber(secondsText);
  if (minutes >= 60) return { problem: 'the minutes must be below 60' };
  if (seconds >= 60) return { problem: 'the seconds must be below 60' };
  // A fraction of a degree with minutes after it is not a notation anyone writes.
  if (minutesText !== undefined && !Number.isInteger(degrees)) return { problem: 'degrees with a fraction cannot have minutes after them' };
  if (secondsText !== undefined && !Number.isInteger(minutes)) return { problem: 'minutes with a fraction cannot have seconds after them' };

  const notation = notationOf(minutesText, secondsText);
  const magnitude = degrees + minutes / 60 + seconds / 3600;
  return { coordinate: withHemisphere(sign === '-' ? -magnitude : magnitude, notation, before ?? after) };
}

function notationOf(minutesText: string | undefined, secondsText: string | undefined): ParsedCoordinate['notation'] {
  if (secondsText !== undefined) return 'dms';
  if (minutesText !== undefined) return 'ddm';
  return 'decimal';
}

function withHemisphere(value: number, notation: ParsedCoordinate['notation'], letter: string | undefined): ParsedCoordinate {
  if (!letter) return { degrees: value, notation, hemisphere: null, conflict: false };
  const hemisphere = letter.toUpperCase() as Hemisphere;
  const negative = hemisphere === 'S' || hemisphere === 'W';
  // "-12.5 N" is a contradiction; the letter wins and the value is flagged.
  const conflict = value < 0 && !negative;
  const magnitude = Math.abs(value);
  return { degrees: negative ? -magnitude : magnitude, notation, hemisphere, conflict };
}

function readNumber(text: string): number {
  return Number(text.replace(',', '.'));
}
