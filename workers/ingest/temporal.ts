import type { COLLECTED_AT_PRECISIONS } from '../../common/api/samples.js';

/** The precision of a timestamp, as stored in samples.collected_at_precision. */
export type TimePrecision = (typeof COLLECTED_AT_PRECISIONS)[number];

/** A date or date-time read from a cell, in UTC. */
export interface ParsedTime {
  /** Milliseconds since 1970-01-01T00:00:00Z. */
  epochMs: number;
  /** True when the text had a time of day, false for a calendar date alone. */
  hasTime: boolean;
  precision: TimePrecision;
}

// ISO 8601 calendar dates and date-times, with "T" or a space before the time. A time without an
// offset is read as UTC, because the worker's own time zone is unrelated to the data's.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Epoch milliseconds from 1973-03-03 to 5138-11-16: a plausible range for an observation time in ms. */
export const EPOCH_MS_MIN = 1e11;
export const EPOCH_MS_MAX = 1e14;
/**
 * Epoch seconds over the same years. The ranges do not overlap, so the size of a column's numbers
 * decides the unit. Earlier times in seconds are not read, because they look like any count.
 */
export const EPOCH_SECONDS_MIN = 1e8;
export const EPOCH_SECONDS_MAX = 1e11;

/** The unit of a column of whole numbers read as times since 1970-01-01 UTC. */
export type EpochUnit = 'ms' | 's';

/** The first and the last millisecond of the years 0001 to 9999, which PostgreSQL and the API both read and write. */
const FIRST_STORABLE_MS = -62_135_596_800_000;
const LAST_STORABLE_MS = 253_402_300_799_999;
/** The largest time-zone offset in use, UTC+14:00 (Kiribati). */
const MAX_OFFSET_HOURS = 14;

const CANONICAL_LENGTH = 24;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Tells whether a trimmed text is a real date-time already in the form datetime values are stored
 * in, `YYYY-MM-DDTHH:MM:SS.sssZ` (what Date#toISOString writes). Such text needs no conversion,
 * and checking it digit by digit is much cheaper than parsing and formatting it, which matters
 * for files with millions of rows.
 */
export function isCanonicalUtc(trimmed: string): boolean {
  if (trimmed.length !== CANONICAL_LENGTH || trimmed.charCodeAt(23) !== 90) return false; // 'Z'
  if (trimmed.charCodeAt(4) !== 45 || trimmed.charCodeAt(7) !== 45 || trimmed.charCodeAt(10) !== 84) return false; // '-', '-', 'T'
  if (trimmed.charCodeAt(13) !== 58 || trimmed.charCodeAt(16) !== 58 || trimmed.charCodeAt(19) !== 46) return false; // ':', ':', '.'

  const year = digits(trimmed, 0, 4);
  const month = digits(trimmed, 5, 2);
  const day = digits(trimmed, 8, 2);
  const hour = digits(trimmed, 11, 2);
  const minute = digits(trimmed, 14, 2);
  const second = digits(trimmed, 17, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return false;
  if (second < 0 || second > 59 || digits(trimmed, 20, 3) < 0) return false;
  return day <= DAYS_IN_MONTH[month - 1]! && (month !== 2 || day < 29 || isLeapYear(year));
}

/**
 * Reads a canonical UTC time (see isCanonicalUtc) from its digits as milliseconds since 1970, or
 * returns null for any other text. Faster than Date.parse, for the load's hot path.
 */
export function canonicalUtcMs(text: string): number | null {
  if (!isCanonicalUtc(text)) return null;
  const year = digits(text, 0, 4);
  const ms = Date.UTC(year, digits(text, 5, 2) - 1, digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2), digits(text, 20, 3));
  // Date.UTC reads the years 0 to 99 as 1900 to 1999, but setUTCFullYear keeps them.
  return year < 100 ? new Date(ms).setUTCFullYear(year) : ms;
}

/** Reads a trimmed ISO 8601 date or date-time, or returns null when the text is not one or not a real date. */
export function parseIsoTime(trimmed: string): ParsedTime | null {
  // Every accepted form has a "-" after the year; testing it first skips the regex for most cells.
  if (trimmed.length < 10 || trimmed.charCodeAt(4) !== 45) return null;
  const match = ISO_TIME.exec(trimmed);
  if (!match) return null;

  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const dayMs = utcDay(Number(year), Number(month), Number(day));
  if (dayMs === null) return null;
  if (hour === undefined) return { epochMs: dayMs, hasTime: false, precision: 'day' };

  const hours = Number(hour);
  const minutes = Number(minute);
  const seconds = second === undefined ? 0 : Number(second);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;

  const offsetMinutes = offsetMinutesOf(offset);
  if (offsetMinutes === null) return null;
  const millis = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  const epochMs = dayMs + ((hours * 60 + minutes - offsetMinutes) * 60 + seconds) * 1000 + millis;
  // An offset can move a time at either end of year 1 or 9999 out of the years that can be stored.
  if (!isStorableTime(epochMs)) return null;
  return { epochMs, hasTime: true, precision: precisionOf(second, fraction) };
}

/** Reads epoch milliseconds as a time, when the number lies in the plausible range. */
export function parseEpochMs(value: number): ParsedTime | null {
  if (!Number.isInteger(value) || value < EPOCH_MS_MIN || value >= EPOCH_MS_MAX) return null;
  return { epochMs: value, hasTime: true, precision: 'millisecond' };
}

/** Reads whole epoch seconds as a time, when the number lies in the plausible range. */
export function parseEpochSeconds(value: number): ParsedTime | null {
  if (!Number.isInteger(value) || value < EPOCH_SECONDS_MIN || value >= EPOCH_SECONDS_MAX) return null;
  return { epochMs: value * 1000, hasTime: true, precision: 'second' };
}

// ISO 8601 basic format in digits alone: 20230601, 202306011230 and 20230601123000, read as UTC.
const BASIC_ISO_TIME = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;
/**
 * Years a date in basic format may have. A wider range would take too many counts, identifiers and
 * epoch milliseconds for dates. The column must also have a date header and no other values.
 */
const BASIC_FIRST_YEAR = 1800;
const BASIC_LAST_YEAR = 2199;

/**
 * Reads digits written as an ISO 8601 basic date (YYYYMMDD) or date-time (YYYYMMDDhhmm or
 * YYYYMMDDhhmmss, UTC) in the years 1800 to 2199, or returns null.
 */
export function parseBasicIsoDigits(digits: string): ParsedTime | null {
  const match = BASIC_ISO_TIME.exec(digits);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  if (Number(year) < BASIC_FIRST_YEAR || Number(year) > BASIC_LAST_YEAR) return null;
  const dayMs = utcDay(Number(year), Number(month), Number(day));
  if (dayMs === null) return null;
  if (hour === undefined) return { epochMs: dayMs, hasTime: false, precision: 'day' };

  const [hours, minutes, seconds] = [Number(hour), Number(minute), second === undefined ? 0 : Number(second)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  return { epochMs: dayMs + ((hours * 60 + minutes) * 60 + seconds) * 1000, hasTime: true, precision: second === undefined ? 'minute' : 'second' };
}

/** Reads a whole number written as an ISO 8601 basic date or date-time, as parseBasicIsoDigits does. */
export function parseBasicIsoNumber(value: number): ParsedTime | null {
  if (!Number.isSafeInteger(value) || value < 1e7) return null;
  return parseBasicIsoDigits(String(value));
}

/** Reads a number as a time since 1970 in the given unit. */
export function parseEpoch(value: number, unit: EpochUnit): ParsedTime | null {
  return unit === 's' ? parseEpochSeconds(value) : parseEpochMs(value);
}

/** Formats a calendar date as YYYY-MM-DD, the form date fields store. */
export function formatDate(epochMs: number): string {
  const days = Math.floor(epochMs / DAY_MS);
  // Years outside 0 to 9999 keep the extended form that Date writes.
  if (!(days >= FIRST_FOUR_DIGIT_DAY && days <= LAST_FOUR_DIGIT_DAY)) return new Date(epochMs).toISOString().slice(0, 10);
  const { year, month, day } = civilDate(days);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

const DAY_MS = 86_400_000;
/** Days from 1970-01-01 to 0000-01-01 and to 9999-12-31 in the proleptic Gregorian calendar. */
const FIRST_FOUR_DIGIT_DAY = -719_528;
const LAST_FOUR_DIGIT_DAY = 2_932_896;

/**
 * Returns the Gregorian date of a day counted from 1970-01-01, with arithmetic on 400-year cycles
 * of 146,097 days, whose years start on 1 March so that the leap day comes last. A date column of a
 * workbook formats one date a row, and this took a fifth of the time of a Date and toISOString
 * (a million dates, measured on the development machine).
 */
function civilDate(days: number): { year: number; month: number; day: number } {
  const shifted = days + 719_468;
  const cycle = Math.floor(shifted / 146_097);
  const dayOfCycle = shifted - cycle * 146_097;
  const yearOfCycle = Math.floor((dayOfCycle - Math.floor(dayOfCycle / 1460) + Math.floor(dayOfCycle / 36_524) - Math.floor(dayOfCycle / 146_096)) / 365);
  const dayOfYear = dayOfCycle - (365 * yearOfCycle + Math.floor(yearOfCycle / 4) - Math.floor(yearOfCycle / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfCycle + cycle * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Formats a date-time as ISO 8601 in UTC with milliseconds, the form datetime fields store. */
export function formatDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Returns the start of a calendar day in UTC, or null when it is no real date or lies outside the years 0001 to 9999. */
export function utcDay(year: number, month: number, day: number): number | null {
  if (year < 1 || year > 9999) return null;
  // setUTCFullYear, unlike Date.UTC, keeps years 0 to 99 as written. Both roll 2023-02-30 over to
  // March, so a date that comes back changed was not a real date.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? date.getTime() : null;
}

/** Tells whether a time lies in the years 0001 to 9999 (UTC). */
export function isStorableTime(epochMs: number): boolean {
  return epochMs >= FIRST_STORABLE_MS && epochMs <= LAST_STORABLE_MS;
}

/** Reads a UTC offset such as "+02:00", "-0530" or "Z" in minutes, or returns null when it is no real offset. */
function offsetMinutesOf(offset: string | undefined): number | null {
  if (offset === undefined || offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > MAX_OFFSET_HOURS || minutes > 59 || (hours === MAX_OFFSET_HOURS && minutes > 0)) return null;
  return sign * (hours * 60 + minutes);
}

function precisionOf(second: string | undefined, fraction: string | undefined): TimePrecision {
  if (fraction !== undefined) return 'millisecond';
  if (second !== undefined) return 'second';
  return 'minute';
}

/** Reads `length` decimal digits at `start` as a number, or returns -1 when one is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
