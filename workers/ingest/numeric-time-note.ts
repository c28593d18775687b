import { excelSerialToTime, type DateSystem } from './dates.js';
import { parseNumber, type NumberStyle } from './numbers.js';
import { formatDate, formatDateTime, parseBasicIsoNumber, parseEpoch, type EpochUnit, type ParsedTime } from './temporal.js';

/** The way a column of numbers is read as times. */
export type NumericTimes = { kind: 'excel'; system: DateSystem } | { kind: 'epoch'; unit: EpochUnit } | { kind: 'basic'; withTime: boolean };

/**
 * Builds the review note on a column of numbers read as times, with its first readable example
 * worked out, so that the uploader can check the reading before loading: "Numbers are read as
 * Excel serial dates (1900 date system), so 44197 is 2021-01-01."
 */
export function numericTimeNote(times: NumericTimes, examples: readonly string[], style: NumberStyle): string {
  const first = firstTime(examples, style, (number) => readNumericTime(times, number));
  const rule = numericTimeRule(times);
  return first === null ? `${rule}.` : `${rule}, so ${first.text} is ${readableTime(first.time)}.`;
}

function numericTimeRule(times: NumericTimes): string {
  switch (times.kind) {
    case 'excel':
      return `Numbers are read as Excel serial dates (${times.system} date system)`;
    case 'epoch':
      return `Numbers are read as ${times.unit === 's' ? 'seconds' : 'milliseconds'} since 1970-01-01 00:00 UTC`;
    case 'basic':
      return times.withTime
        ? 'Numbers are read as dates and times written YYYYMMDDhhmm or YYYYMMDDhhmmss in UTC (ISO 8601 basic format)'
        : 'Numbers are read as dates written YYYYMMDD (ISO 8601 basic format)';
  }
}

function readNumericTime(times: NumericTimes, number: number): ParsedTime | null {
  switch (times.kind) {
    case 'excel':
      return excelSerialToTime(number, times.system);
    case 'epoch':
      return parseEpoch(number, times.unit);
    case 'basic':
      return parseBasicIsoNumber(number);
  }
}

/**
 * Builds the note on a field of whole numbers that all read as epoch times in a unit, which may be
 * times under a header that does not say so, or returns null when no example reads as one.
 */
export function epochHintNote(examples: readonly string[], style: NumberStyle, unit: EpochUnit): string | null {
  const first = firstTime(examples, style, (number) => parseEpoch(number, unit));
  if (first === null) return null;
  const units = unit === 's' ? 'seconds' : 'milliseconds';
  return `These numbers may be times in ${units} since 1970-01-01 UTC (${first.text} would be ${readableTime(first.time)}). To read them so, set the column to "the collection time".`;
}

/** Returns the first example that is a number and reads as a time, with that time. */
function firstTime(examples: readonly string[], style: NumberStyle, read: (number: number) => ParsedTime | null): { text: string; time: ParsedTime } | null {
  for (const example of examples) {
    const text = example.trim();
    const number = parseNumber(text, style);
    const time = number === null ? null : read(number);
    if (time !== null) return { text, time };
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
