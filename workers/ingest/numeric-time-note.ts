import { excelSerialToTime, type DateSystem } from './dates.js';
import { parseNumber, type NumberStyle } from './numbers.js';
import { formatDate, formatDateTime, parseEpochMs, type ParsedTime } from './temporal.js';

/** The way a column of numbers is read as times. */
export type NumericTimes = { kind: 'excel'; system: DateSystem } | { kind: 'epoch-ms' };

/**
 * Builds the review note on a column of numbers read as times, with its first readable example
 * worked out, so that the uploader can check the reading before loading: "Numbers are read as
 * Excel serial dates (1900 date system), so 44197 is 2021-01-01."
 */
export function numericTimeNote(times: NumericTimes, examples: readonly string[], style: NumberStyle): string {
  const rule = times.kind === 'excel' ? `Numbers are read as Excel serial dates (${times.system} date system)` : 'Numbers are read as milliseconds since 1970-01-01 00:00 UTC';
  for (const example of examples) {
    const number = parseNumber(example.trim(), style);
    if (number === null) continue;
    const time = times.kind === 'excel' ? excelSerialToTime(number, times.system) : parseEpochMs(number);
    if (time !== null) return `${rule}, so ${example.trim()} is ${readableTime(time)}.`;
  }
  return `${rule}.`;
}

/**
 * Builds the note on a field of whole numbers that all read as epoch milliseconds, which may be
 * times under a header that does not say so, or returns null when no example reads as one.
 */
export function epochHintNote(examples: readonly string[], style: NumberStyle): string | null {
  for (const example of examples) {
    const number = parseNumber(example.trim(), style);
    const time = number === null ? null : parseEpochMs(number);
    if (time === null) continue;
    return `These numbers may be times in milliseconds since 1970-01-01 UTC (${example.trim()} would be ${readableTime(time)}). To read them so, set the column to "the collection time".`;
  }
  return null;
}

/** Formats a time for people: the date alone for a day, else date and time in UTC without zero milliseconds. */
function readableTime(time: ParsedTime): string {
  if (time.precision === 'day') return formatDate(time.epochMs);
  const iso = formatDateTime(time.epochMs);
  const seconds = iso.endsWith('.000Z') ? iso.slice(0, -5) : iso.slice(0, -1);
  return `${seconds.replace('T', ' ')} UTC`;
}
