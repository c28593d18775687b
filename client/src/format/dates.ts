/** How precisely a sample's collection time is known, as the API stores it. */
export type TimePrecision = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

/** Characters of an ISO 8601 UTC string (`2024-05-01T13:45:30.123Z`) that each precision keeps. */
const ISO_LENGTH: Record<TimePrecision, number> = {
  year: 4,
  month: 7,
  day: 10,
  hour: 16,
  minute: 16,
  second: 19,
  millisecond: 23,
};

/**
 * Formats a collection time in UTC to its stated precision, so a sample dated "2020" does not
 * show as midnight on 1 January. Without a precision, a midnight time shows as a date.
 */
export function formatCollectedAt(iso: string | null, precision: TimePrecision | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;

  const utc = date.toISOString();
  const length = precision ? ISO_LENGTH[precision] : utc.endsWith('T00:00:00.000Z') ? ISO_LENGTH.day : ISO_LENGTH.second;
  return utc.slice(0, length).replace('T', ' ');
}

/** Formats the date part of an ISO timestamp in UTC: "2024-05-01". */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

/**
 * Formats a timestamp in the viewer's time zone, to the minute ("2024-05-01 15:45") or, where
 * seconds tell changes apart, to the second ("2024-05-01 15:45:09").
 */
export function formatLocalDateTime(iso: string, precision: 'minute' | 'second' = 'minute'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const minute = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return precision === 'second' ? `${minute}:${pad(date.getSeconds())}` : minute;
}

/** Describes a dataset's temporal coverage, or returns null when it has none. */
export function formatTemporalCoverage(start: string | null, end: string | null): string | null {
  if (start && end) return `${formatDate(start)} to ${formatDate(end)}`;
  if (start) return `from ${formatDate(start)}`;
  if (end) return `until ${formatDate(end)}`;
  return null;
}

/** Turns a date input's value (YYYY-MM-DD) into the start or end of that day in UTC. */
export function dayBound(value: string, bound: 'start' | 'end'): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  return `${value}T${bound === 'start' ? '00:00:00' : '23:59:59'}Z`;
}
