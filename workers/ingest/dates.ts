import type { DateOrder } from '../../common/api/imports.js';
import { isStorableTime, utcDay, type ParsedTime } from './temporal.js';

/** A date written with separators, split into its parts; the order of day and month is not known yet. */
export interface SeparatedDate {
  /** The parts as written: [first, second, third]. */
  parts: [number, number, number];
  /** True when the year comes first (2021/04/03). */
  yearFirst: boolean;
  /** True when the year has two digits (3.4.21), which are read as 1970 to 2069. */
  twoDigitYear: boolean;
  hour: number | null;
  minute: number | null;
  second: number | null;
}

// 03/04/2021, 3.4.21, 2021/04/03, with an optional time of day. ISO dates (2021-04-03) are read
// elsewhere; a "-" between two-digit parts (03-04-2021) is read here too.
const SEPARATED = /^(\d{1,4})([./-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Splits a trimmed text such as "03/04/2021 14:05" into its parts, or returns null for other text. */
export function splitSeparatedDate(trimmed: string): SeparatedDate | null {
  if (trimmed.length < 6 || trimmed.length > 22) return null;
  const match = SEPARATED.exec(trimmed);
  if (!match) return null;
  const [, a, , b, c, hour, minute, second] = match;
  const yearFirst = a!.length === 4;
  if (!yearFirst && a!.length > 2) return null;
  if (yearFirst && c!.length === 4) return null;
  return {
    parts: [Number(a), Number(b), Number(c)],
    yearFirst,
    twoDigitYear: !yearFirst && c!.length === 2,
    hour: hour === undefined ? null : Number(hour),
    minute: minute === undefined ? null : Number(minute),
    second: second === undefined ? null : Number(second),
  };
}

/**
 * Returns the orders a separated date can be read in: "13/04/2021" only day-first, "04/13/2021" only
 * month-first, "03/04/2021" both.
 */
export function possibleOrders(date: SeparatedDate): { dmy: boolean; mdy: boolean } {
  if (date.yearFirst) return { dmy: false, mdy: false };
  return { dmy: readSeparatedDate(date, 'dmy') !== null, mdy: readSeparatedDate(date, 'mdy') !== null };
}

/** Reads a separated date in the given order as a time in UTC, or returns null when it is no real date. */
export function readSeparatedDate(date: SeparatedDate, order: DateOrder): ParsedTime | null {
  const [a, b, c] = date.parts;
  let year: number;
  let month: number;
  let day: number;
  if (date.yearFirst) [year, month, day] = [a, b, c];
  else if (order === 'mdy') [month, day, year] = [a, b, c];
  else [day, month, year] = [a, b, c];
  if (date.twoDigitYear) year += year < 70 ? 2000 : 1900;

  const dayMs = utcDay(year, month, day);
  if (dayMs === null) return null;
  if (date.hour === null) return { epochMs: dayMs, hasTime: false, precision: 'day' };
  if (date.hour > 23 || date.minute! > 59 || (date.second ?? 0) > 59) return null;
  const epochMs = dayMs + ((date.hour * 60 + date.minute!) * 60 + (date.second ?? 0)) * 1000;
  return { epochMs, hasTime: true, precision: date.second === null ? 'minute' : 'second' };
}

/** Excel's two date systems: days since 1899-12-30 (Windows) or since 1904-01-01 (old Mac workbooks). */
export type DateSystem = '1900' | '1904';

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);
/** Serial of 9999-12-31 in the 1900 system, the last day Excel shows. */
export const MAX_EXCEL_SERIAL = 2_958_465;
/** Serial of 9999-12-31 in the 1904 system, which starts 1,462 days later. */
export const MAX_EXCEL_SERIAL_1904 = 2_957_003;

/**
 * Converts an Excel serial day number to a time. In the 1900 system Excel counts a 29 February
 * 1900 that never was (serial 60), so serials from 61 on count from 1899-12-30 and those below from
 * 1899-12-31. Fractions are times of day, rounded to the second.
 */
export function excelSerialToTime(serial: number, system: DateSystem): ParsedTime | null {
  if (!Number.isFinite(serial) || serial < 0 || serial > MAX_EXCEL_SERIAL) return null;
  if (system === '1900' && serial >= 60 && serial < 61) return null;

  const epoch = system === '1904' ? EPOCH_1904 : EPOCH_1900 + (serial < 60 ? DAY_MS : 0);
  const whole = Math.floor(serial);
  const seconds = Math.round((serial - whole) * 86_400);
  const epochMs = epoch + whole * DAY_MS + seconds * 1000;
  // The 1904 system reaches past 9999 with the same serials.
  if (!isStorableTime(epochMs)) return null;
  const hasTime = seconds !== 0;
  return { epochMs, hasTime, precision: hasTime ? 'second' : 'day' };
}

