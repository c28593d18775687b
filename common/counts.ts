const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Formats a count with thousands separators: 12345 → "12,345". */
export function formatCount(value: number): string {
  return counts.format(value);
}

/** Writes "1 sample" or "2 samples", with the count formatted. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
