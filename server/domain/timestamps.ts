/** Formats a timestamp from the database as ISO 8601, keeping null as null. */
export function isoOrNull(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value).toISOString();
}

/** Formats a timestamp that is never null. */
export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
