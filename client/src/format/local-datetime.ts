/**
 * Converts between ISO 8601 instants and the value of an `<input type="datetime-local">`, which
 * is a wall-clock time in the browser's time zone without an offset ("2027-03-01T14:30").
 */

/** Formats an instant as a datetime-local value in the browser's zone, to the minute; null gives "". */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Reads a datetime-local value as an instant in the browser's zone; "" or an invalid value gives null. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
